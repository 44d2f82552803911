;; Evaluation order: operands are evaluated left to right, including when the operands are calls with side
;; effects on a global or on memory, for i32 and for i64 (which wajit splits into halves), and a trap in a
;; later operand happens after the earlier operand's side effects and before anything else.
(module
  (memory (export "mem") 1 1)
  (global $n (export "n") (mut i32) (i32.const 0))
  (global $w (export "w") (mut i64) (i64.const 0))
  (func $next (result i32)
    (global.set $n (i32.add (i32.mul (global.get $n) (i32.const 3)) (i32.const 1)))
    (global.get $n))
  (func $next64 (result i64)
    (global.set $w (i64.add (i64.mul (global.get $w) (i64.const 0x100000001)) (i64.const 0xffffffff)))
    (global.get $w))
  (func $digits (param i32 i32 i32) (result i32)
    (i32.add (i32.mul (local.get 0) (i32.const 10000)) (i32.add (i32.mul (local.get 1) (i32.const 100)) (local.get 2))))
  (func (export "reset") (param i32) (global.set $n (local.get 0)) (global.set $w (i64.extend_i32_s (local.get 0))))
  (func (export "sub_calls") (result i32) (i32.sub (call $next) (call $next)))
  (func (export "div_calls") (result i32) (i32.div_s (call $next) (i32.or (call $next) (i32.const 1))))
  (func (export "args_order") (result i32) (call $digits (call $next) (call $next) (call $next)))
  (func (export "sub64_calls") (result i64) (i64.sub (call $next64) (call $next64)))
  (func (export "shl64_calls") (result i64) (i64.shl (call $next64) (call $next64)))
  (func (export "lt64_calls") (result i32) (i64.lt_u (call $next64) (call $next64)))
  (func (export "mixed_calls") (result i64)
    (i64.add (i64.extend_i32_u (call $next)) (i64.mul (call $next64) (i64.extend_i32_s (call $next)))))
  ;; The divisor traps (0) after the first operand's call bumped $n: $n must show the bump.
  (func (export "trap_second") (param i32) (result i32)
    (i32.add (call $next) (i32.div_u (i32.const 100) (local.get 0))))
  (func (export "trap_second64") (param i64) (result i64)
    (i64.add (call $next64) (i64.rem_s (i64.const 100) (local.get 0))))
  ;; Store with address and value computed by calls: the address call comes first.
  (func (export "store_calls") (i32.store (i32.and (call $next) (i32.const 0xfffc)) (call $next)))
  ;; A store to memory in the first operand, an out-of-bounds load in the second.
  (func (export "store_then_oob") (param i32) (result i32)
    (i32.add
      (block (result i32) (i32.store (i32.const 16) (call $next)) (i32.const 1))
      (i32.load (local.get 0))))
  ;; select evaluates all three operands, in order, even the one it does not pick.
  (func (export "select_calls") (param i32) (result i32)
    (select (call $next) (call $next) (i32.and (local.get 0) (i32.const 1))))
  ;; The value operand of br_if is evaluated before its condition.
  (func (export "br_if_calls") (result i32)
    (block $b (result i32) (br_if $b (call $next) (i32.and (call $next) (i32.const 1)))))
  ;; The condition of an if, the index of call_indirect and of br_table come after their other operands.
  (func (export "call_indirect_calls") (result i32)
    (call_indirect (type $t3) (call $next) (call $next) (call $next) (i32.and (call $next) (i32.const 0))))
  (type $t3 (func (param i32 i32 i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $digits)
  ;; Reading a global, calling a function that changes it, reading it again in one expression.
  (func (export "global_read_around_call") (result i32)
    (i32.sub (i32.sub (global.get $n) (call $next)) (global.get $n)))
  ;; A local read, then a tee of the same local in the second operand.
  (func (export "local_then_tee") (param i64) (result i64)
    (i64.sub (local.get 0) (local.tee 0 (i64.mul (local.get 0) (i64.const 3)))))
  ;; A trapping memory.fill in the second operand after a store in the first.
  (func (export "fill_trap_after_store") (param i32) (result i32)
    (i32.add
      (block (result i32) (i32.store8 (i32.const 20) (call $next)) (i32.const 0))
      (block (result i32) (memory.fill (local.get 0) (i32.const 0xee) (i32.const 8)) (i32.const 0))))
)
