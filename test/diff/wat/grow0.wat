;; A memory of initial size 0 without a maximum: every access traps until it grows.
(module
  (memory (export "mem") 0)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store16 (local.get 0) (local.get 1)))
)
