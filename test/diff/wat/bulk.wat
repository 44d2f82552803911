;; Bulk memory: memory.fill, memory.copy (overlapping both ways), memory.init from passive segments and
;; data.drop. Bounds are checked before anything is written (a trapping fill/copy/init writes nothing), a
;; zero-length operation at exactly the end of memory succeeds, one past it traps, and a dropped segment acts
;; as empty.
(module
  (memory (export "mem") 1 1)
  (data (i32.const 0) "abcdefghijklmnopqrstuvwxyz0123456789")
  (data (i32.const 65528) "ZYXWVUTS")
  (data $p "passive segment \00\01\02\03\fe\ff")
  (data $q "")
  (data $r "drop me")
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (memory.init $p (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_empty") (param i32 i32 i32) (memory.init $q (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_r") (param i32 i32 i32) (memory.init $r (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop_r") (data.drop $r))
  (func (export "drop_p_twice") (data.drop $p) (data.drop $p))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  ;; Small fixed operations a compiler might unroll.
  (func (export "copy_4_fwd") (param i32) (memory.copy (i32.add (local.get 0) (i32.const 1)) (local.get 0) (i32.const 4)))
  (func (export "copy_4_back") (param i32) (memory.copy (local.get 0) (i32.add (local.get 0) (i32.const 1)) (i32.const 4)))
  (func (export "fill_1") (param i32 i32) (memory.fill (local.get 0) (local.get 1) (i32.const 1)))
  (func (export "fill_end_0") (memory.fill (i32.const 65536) (i32.const 1) (i32.const 0)))
  (func (export "fill_past_0") (memory.fill (i32.const 65537) (i32.const 1) (i32.const 0)))
  (func (export "copy_end_0") (memory.copy (i32.const 65536) (i32.const 65536) (i32.const 0)))
  (func (export "init_end_0") (memory.init $p (i32.const 65536) (i32.const 22) (i32.const 0)))
  (func (export "init_src_past") (memory.init $p (i32.const 0) (i32.const 23) (i32.const 0)))
)
