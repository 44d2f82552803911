;; Control flow: br_table with many targets (and out-of-range indices going to the default), values carried
;; out of nested blocks by br, br_if and br_table, loops, if/else with results, early return from depth,
;; select on every type, local.tee patterns, unreachable.
(module
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "br_table_40") (param i32) (result i32)
    (block $outer
    (block $b0
    (block $b1
    (block $b2
    (block $b3
    (block $b4
    (block $b5
    (block $b6
    (block $b7
    (block $b8
    (block $b9
    (block $b10
    (block $b11
    (block $b12
    (block $b13
    (block $b14
    (block $b15
    (block $b16
    (block $b17
    (block $b18
    (block $b19
    (block $b20
    (block $b21
    (block $b22
    (block $b23
    (block $b24
    (block $b25
    (block $b26
    (block $b27
    (block $b28
    (block $b29
    (block $b30
    (block $b31
    (block $b32
    (block $b33
    (block $b34
    (block $b35
    (block $b36
    (block $b37
    (block $b38
    (block $b39
    (block $d
      (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 $b7 $b8 $b9 $b10 $b11 $b12 $b13 $b14 $b15 $b16 $b17 $b18 $b19 $b20 $b21 $b22 $b23 $b24 $b25 $b26 $b27 $b28 $b29 $b30 $b31 $b32 $b33 $b34 $b35 $b36 $b37 $b38 $b39 $d (local.get 0)))
    (return (i32.const -1)))
    (return (i32.const 1000)))
    (return (i32.const 1007)))
    (return (i32.const 1014)))
    (return (i32.const 1021)))
    (return (i32.const 1028)))
    (return (i32.const 1035)))
    (return (i32.const 1042)))
    (return (i32.const 1049)))
    (return (i32.const 1056)))
    (return (i32.const 1063)))
    (return (i32.const 1070)))
    (return (i32.const 1077)))
    (return (i32.const 1084)))
    (return (i32.const 1091)))
    (return (i32.const 1098)))
    (return (i32.const 1105)))
    (return (i32.const 1112)))
    (return (i32.const 1119)))
    (return (i32.const 1126)))
    (return (i32.const 1133)))
    (return (i32.const 1140)))
    (return (i32.const 1147)))
    (return (i32.const 1154)))
    (return (i32.const 1161)))
    (return (i32.const 1168)))
    (return (i32.const 1175)))
    (return (i32.const 1182)))
    (return (i32.const 1189)))
    (return (i32.const 1196)))
    (return (i32.const 1203)))
    (return (i32.const 1210)))
    (return (i32.const 1217)))
    (return (i32.const 1224)))
    (return (i32.const 1231)))
    (return (i32.const 1238)))
    (return (i32.const 1245)))
    (return (i32.const 1252)))
    (return (i32.const 1259)))
    (return (i32.const 1266)))
    (return (i32.const 1273)))
    (unreachable))
  ;; br_table carrying a value, with repeated targets and the default in the middle of the list.
  (func (export "br_table_value") (param i32 i32) (result i32)
    (i32.add (i32.const 1)
      (block $a (result i32)
        (i32.mul (i32.const 10)
          (block $b (result i32)
            (i32.mul (i32.const 100)
              (block $c (result i32)
                (br_table $a $b $c $b $a $c $b (local.get 1) (local.get 0)))))))))
  ;; br_table inside a loop: a little state machine.
  (func (export "state_machine") (param i32) (result i32) (local $s i32) (local $acc i32)
    (local.set $s (i32.and (local.get 0) (i32.const 3)))
    (loop $top
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 3)) (local.get $s)))
      (block $s3 (block $s2 (block $s1 (block $s0
        (br_table $s0 $s1 $s2 $s3 (local.get $s)))
        (local.set $s (i32.const 2)) (br $top))
        (local.set $s (i32.const 0))
        (local.set 0 (i32.shr_u (local.get 0) (i32.const 2)))
        (br_if $top (local.get 0))
        (return (local.get $acc)))
        (local.set $s (i32.const 3)) (br $top))
      (local.set $s (i32.and (local.get 0) (i32.const 1)))
      (local.set 0 (i32.shr_u (local.get 0) (i32.const 1)))
      (br_if $top (local.get 0)))
    (local.get $acc))
  (func (export "br_table_only_default") (param i32) (result i32)
    (block $d (result i32) (br_table $d (i32.const 77) (local.get 0))))
  ;; br_if returns its value whether or not it branches.
  (func (export "br_if_value") (param i32 i32) (result i32)
    (block $b (result i32)
      (drop (br_if $b (local.get 0) (local.get 1)))
      (i32.const -5)))
  (func (export "br_if_value_used") (param i32 i32) (result i32)
    (block $b (result i32)
      (i32.mul (br_if $b (local.get 0) (local.get 1)) (i32.const 3))))
  ;; Values crossing several block levels, with stack values left below the branch.
  (func (export "nested_values") (param i32) (result i32)
    (i32.add (i32.const 1000)
      (block $outer (result i32)
        (i32.add (i32.const 100)
          (block $mid (result i32)
            (i32.add (i32.const 10)
              (block $inner (result i32)
                (drop (i32.const 99))
                (drop (br_if $outer (i32.const 5) (i32.eq (local.get 0) (i32.const 0))))
                (drop (br_if $mid (i32.const 6) (i32.eq (local.get 0) (i32.const 1))))
                (drop (br_if $inner (i32.const 7) (i32.eq (local.get 0) (i32.const 2))))
                (i32.const 8))))))))
  (func (export "if_else") (param i32 i32 i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.add (local.get 1) (local.get 2)))
      (else (i32.sub (local.get 1) (local.get 2)))))
  (func (export "if_no_else") (param i32) (result i32) (local $r i32)
    (local.set $r (i32.const 3))
    (if (i32.gt_s (local.get 0) (i32.const 10)) (then (local.set $r (i32.const 4))))
    (local.get $r))
  (func (export "early_return") (param i32) (result i64)
    (local.set 0 (i32.rem_s (local.get 0) (i32.const 5000)))
    (block (block (block
      (br_if 2 (i32.eqz (local.get 0)))
      (if (i32.lt_s (local.get 0) (i32.const 0)) (then (return (i64.const -1))))
      (loop $l
        (local.set 0 (i32.sub (local.get 0) (i32.const 7)))
        (if (i32.eq (local.get 0) (i32.const 3)) (then (return (i64.const 3))))
        (br_if $l (i32.gt_s (local.get 0) (i32.const 100))))
      (br 1))))
    (i64.extend_i32_s (local.get 0)))
  (func (export "loop_sum") (param i32) (result i64) (local $acc i64)
    (local.set 0 (i32.rem_s (local.get 0) (i32.const 3000)))
    (block $done
      (loop $l
        (br_if $done (i32.le_s (local.get 0) (i32.const 0)))
        (local.set $acc (i64.add (local.get $acc) (i64.mul (i64.extend_i32_u (local.get 0)) (i64.const 0x100000001))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l)))
    (local.get $acc))
  (func (export "select_i32") (param i32 i32 i32) (result i32) (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_i64") (param i64 i64 i32) (result i64) (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_f32") (param f32 f32 i32) (result f32) (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_f64") (param f64 f64 i32) (result f64) (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_ext") (param externref externref i32) (result externref)
    (select (result externref) (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_same") (param i32) (result i32) (select (local.get 0) (local.get 0) (local.get 0)))
  ;; local.tee: the value of the tee is used in the same expression that reads the local again.
  (func (export "tee_add") (param i32 i32) (result i32)
    (i32.add (local.tee 0 (i32.mul (local.get 0) (local.get 1))) (local.get 0)))
  (func (export "tee_order") (param i32) (result i32)
    (i32.sub (local.get 0) (local.tee 0 (i32.add (local.get 0) (i32.const 5)))))
  (func (export "tee_i64") (param i64) (result i64) (local $t i64)
    (i64.add (i64.mul (local.tee $t (i64.add (local.get 0) (i64.const 1))) (local.get $t)) (local.get 0)))
  (func (export "tee_chain") (param i32) (result i32) (local $a i32) (local $b i32)
    (local.set $a (local.tee $b (local.tee 0 (i32.xor (local.get 0) (i32.const 0x5a5a)))))
    (i32.add (i32.add (local.get $a) (local.get $b)) (local.get 0)))
  (func (export "tee_in_call") (param i32) (result i32)
    (i32.add (call $id (local.tee 0 (i32.const 9))) (local.get 0)))
  (func (export "unreachable_if") (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (unreachable)))
    (local.get 0))
  (func (export "dead_code") (param i32) (result i32)
    (block $b (result i32)
      (br $b (local.get 0))
      (i32.add (unreachable))
      (drop)
      (i32.const 1)))
  (func (export "locals_default") (result f64) (local i32 i64 f32 f64)
    (f64.add (f64.add (f64.convert_i32_s (local.get 0)) (f64.convert_i64_s (local.get 1)))
             (f64.add (f64.promote_f32 (local.get 2)) (local.get 3))))

  ;; br_table on `x - c` and `x + c` (the code generator switches on x with moved case values; wrapping
  ;; around 2^32 must still pick the same targets).
  (func (export "br_table_sub5") (param i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $a $d (i32.sub (local.get 0) (i32.const 5))))
      (return (i32.const 10)))
      (return (i32.const 11)))
      (return (i32.const 12)))
    (i32.const 13))
  (func (export "br_table_add_min") (param i32) (result i32)
    (block $d (block $b (block $a
      (br_table $a $b $a $d (i32.add (local.get 0) (i32.const -2147483648))))
      (return (i32.const 20)))
      (return (i32.const 21)))
    (i32.const 22))
)
