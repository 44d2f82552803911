;; select, untyped and typed, over i32, i64 (a pair chosen together), f32 and references; operands with
;; effects keep their order.
(module
  (global $g (mut i32) (i32.const 0))
  (func $bump (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
  (func (export "i32") (param i32 i32 i32) (result i32) (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i64") (param i64 i64 i32) (result i64) (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f32") (param f32 f32 i32) (result f32)
    (select (result f32) (local.get 0) (local.get 1) (local.get 2)))
  (func (export "ref") (param externref i32) (result externref)
    (select (result externref) (local.get 0) (ref.null extern) (local.get 1)))
  (func (export "effects") (param i32) (result i32) (select (call $bump) (call $bump) (local.get 0))))
