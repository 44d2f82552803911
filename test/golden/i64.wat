;; i64 as pairs of int32: parameters and results split in two, carries, helpers for multiplication, division,
;; shifts and comparisons, and conversions to and from i32.
(module
  (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "mul") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "div_s") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "rem_u") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
  (func (export "bitwise") (param i64 i64) (result i64)
    (i64.xor (i64.and (local.get 0) (local.get 1)) (i64.or (local.get 0) (i64.const 0x1234_5678_9abc_def0))))
  (func (export "shifts") (param i64 i64) (result i64)
    (i64.add (i64.shl (local.get 0) (local.get 1)) (i64.shr_u (local.get 0) (i64.const 33))))
  (func (export "lt_s") (param i64 i64) (result i32) (i64.lt_s (local.get 0) (local.get 1)))
  (func (export "eq") (param i64 i64) (result i32) (i64.eq (local.get 0) (local.get 1)))
  (func (export "extend") (param i32) (result i64)
    (i64.add (i64.extend_i32_s (local.get 0)) (i64.extend_i32_u (local.get 0))))
  (func (export "wrap") (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
  (func (export "bits") (param i64) (result i64) (i64.add (i64.clz (local.get 0)) (i64.popcnt (local.get 0)))))
