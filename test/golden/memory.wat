;; Linear memory through the DataView: loads and stores of every width and signedness, i64 and floats,
;; offsets, memory.size and memory.grow, and an active data segment.
(module
  (memory (export "memory") 1 4)
  (data (i32.const 16) "wajit\00\ff")
  (func (export "loads") (param i32) (result i32)
    (i32.add
      (i32.add (i32.load8_s (local.get 0)) (i32.load8_u offset=1 (local.get 0)))
      (i32.add (i32.load16_s offset=2 (local.get 0)) (i32.load16_u align=1 (local.get 0)))))
  (func (export "load32") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
  (func (export "load64") (param i32) (result i64) (i64.load32_s (local.get 0)))
  (func (export "loadf") (param i32) (result f64)
    (f64.add (f64.load (local.get 0)) (f64.promote_f32 (f32.load offset=8 (local.get 0)))))
  (func (export "stores") (param i32 i32 i64)
    (i32.store8 (local.get 0) (local.get 1))
    (i32.store16 offset=2 (local.get 0) (local.get 1))
    (i32.store offset=4 (local.get 0) (local.get 1))
    (i64.store offset=8 (local.get 0) (local.get 2))
    (i64.store32 offset=16 (local.get 0) (local.get 2))
    (f32.store offset=24 (local.get 0) (f32.const 1.5)))
  (func (export "grow") (param i32) (result i32)
    (i32.add (memory.grow (local.get 0)) (memory.size))))
