;; Linking, module A: exports a table, a memory, a mutable i64 global and functions that call through the
;; table with call_indirect (whose signature check must compare function types structurally across
;; modules), read the memory and the global.
(module
  (type $v (func))
  (type $ii (func (param i32) (result i32)))
  (type $ll (func (param i64) (result i64)))
  (type $multi (func (param i32 i64) (result i64 i32)))
  (table $t (export "tab") 6 funcref)
  (memory (export "mem") 1 2)
  (global $g (export "g") (mut i64) (i64.const 0x100000001))
  (func $own (type $ii) (i32.add (local.get 0) (i32.const 1000)))
  (elem (table $t) (i32.const 0) func $own)
  (func (export "call_ii") (param i32 i32) (result i32) (call_indirect $t (type $ii) (local.get 1) (local.get 0)))
  (func (export "call_ll") (param i32 i64) (result i64) (call_indirect $t (type $ll) (local.get 1) (local.get 0)))
  (func (export "call_multi") (param i32 i32 i64) (result i64 i32)
    (call_indirect $t (type $multi) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "call_v") (param i32) (call_indirect $t (type $v) (local.get 0)))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "get_g") (result i64) (global.get $g))
  (func (export "set_g") (param i64) (global.set $g (local.get 0)))
  (func (export "size") (result i32) (memory.size))
)
