;; i32 arithmetic: the operators JS has (|0, imul, shifts), the helpers for those it lacks, and the division
;; and remainder traps (divide by zero, INT_MIN / -1 overflow).
(module
  (func (export "arith") (param i32 i32) (result i32)
    (i32.xor
      (i32.add (i32.mul (local.get 0) (local.get 1)) (i32.sub (local.get 0) (i32.const 7)))
      (i32.and (i32.or (local.get 0) (i32.const 0xff00)) (i32.const -16))))
  (func (export "shifts") (param i32 i32) (result i32)
    (i32.add
      (i32.add (i32.shl (local.get 0) (local.get 1)) (i32.shr_s (local.get 0) (local.get 1)))
      (i32.add (i32.shr_u (local.get 0) (local.get 1)) (i32.rotl (local.get 0) (local.get 1)))))
  (func (export "bits") (param i32) (result i32)
    (i32.add (i32.add (i32.clz (local.get 0)) (i32.ctz (local.get 0))) (i32.popcnt (local.get 0))))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_u") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "compare") (param i32 i32) (result i32)
    (i32.add
      (i32.add (i32.lt_s (local.get 0) (local.get 1)) (i32.ge_u (local.get 0) (local.get 1)))
      (i32.add (i32.eqz (local.get 0)) (i32.ne (local.get 0) (local.get 1)))))
  (func (export "extend") (param i32) (result i32)
    (i32.add (i32.extend8_s (local.get 0)) (i32.extend16_s (local.get 0)))))
