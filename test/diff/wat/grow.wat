;; memory.grow and memory.size: growth within the maximum returns the old size in pages, beyond it -1 and no
;; change; accesses see the new bounds at once (including through the exported Memory's fresh buffer).
(module
  (memory (export "mem") 1 3)
  (data (i32.const 65532) "\aa\bb\cc\dd")
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  ;; grow, then store at the last byte of the new memory, then report the size: all in one call.
  (func (export "grow_and_touch") (param i32) (result i32)
    (if (i32.ne (memory.grow (local.get 0)) (i32.const -1))
      (then (i32.store8 (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)) (i32.const 0x5a))))
    (memory.size))
  (func (export "fill_all") (param i32)
    (memory.fill (i32.const 0) (local.get 0) (i32.mul (memory.size) (i32.const 65536))))
)
