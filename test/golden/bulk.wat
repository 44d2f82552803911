;; Bulk memory and table operations: memory.fill/copy/init with a passive data segment and data.drop,
;; table.init/copy/fill with a passive element segment and elem.drop.
(module
  (memory 1)
  (table 8 funcref)
  (data $greeting "hello, world")
  (elem $fns func $a $b)
  (func $a (result i32) (i32.const 1))
  (func $b (result i32) (i32.const 2))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32)
    (memory.init $greeting (local.get 0) (i32.const 0) (i32.const 5))
    (data.drop $greeting))
  (func (export "tables") (param i32)
    (table.init $fns (local.get 0) (i32.const 0) (i32.const 2))
    (elem.drop $fns)
    (table.copy (i32.const 4) (local.get 0) (i32.const 2))
    (table.fill (i32.const 6) (ref.null func) (i32.const 2))))
