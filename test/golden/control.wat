;; Structured control flow: blocks and loops as labelled statements, br_if, br_table as a switch, if/else
;; with a result, a block with several results, early return, unreachable.
(module
  (func (export "count") (param i32) (result i32)
    (local i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br $next)))
    (local.get 1))
  (func (export "switch") (param i32) (result i32)
    (block $c
      (block $b
        (block $a
          (br_table $a $b $c (local.get 0)))
        (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30))
  (func (export "choose") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.const 1))
      (else (i32.const -1))))
  (func (export "pair") (param i32) (result i32)
    (block (result i32 i32)
      (local.get 0)
      (i32.const 2)
      (br_if 0 (local.get 0))
      (drop)
      (drop)
      (i32.const 3)
      (i32.const 4))
    (i32.mul))
  (func (export "unreachable") (param i32)
    (if (local.get 0) (then (unreachable)))
    (nop)))
