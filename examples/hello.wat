;; wajit's bundled example (built into hello.wasm by build.sh; `npm start` runs its `main`).
;;
;;   main()              -> i64  the sum of all primes below two million (142913828922), by a sieve of
;;                               Eratosthenes in linear memory: loops, byte loads/stores, i64 arithmetic
;;   sum_primes(limit)   -> i64  the same for any limit up to 2,097,152 (the memory holds one byte per number)
;;   fib(n)              -> i64  the n-th Fibonacci number (fib(90) = 2880067194370816120)
;;   gcd(a, b)           -> i32  greatest common divisor, by Euclid's algorithm (unsigned)
(module
  ;; 32 pages = 2 MiB: byte i is 1 once i is known to be composite.
  (memory (export "memory") 32)

  (func $fib (export "fib") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a))

  (func $gcd (export "gcd") (param $a i32) (param $b i32) (result i32)
    (local $t i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $b)))
        (local.set $t (i32.rem_u (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (br $next)))
    (local.get $a))

  (func $sum_primes (export "sum_primes") (param $limit i32) (result i64)
    (local $i i32) (local $j i32) (local $sum i64)
    ;; A trap (out of bounds memory access) guards limits beyond the memory.
    (memory.fill (i32.const 0) (i32.const 0) (local.get $limit))
    (local.set $i (i32.const 2))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $limit)))
        (if (i32.eqz (i32.load8_u (local.get $i)))
          (then
            (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $i))))
            ;; Cross out i*i, i*i + i, ... (i*i computed in i64 so that it cannot wrap).
            (if (i64.lt_u (i64.mul (i64.extend_i32_u (local.get $i)) (i64.extend_i32_u (local.get $i)))
                          (i64.extend_i32_u (local.get $limit)))
              (then
                (local.set $j (i32.mul (local.get $i) (local.get $i)))
                (block $crossed
                  (loop $cross
                    (br_if $crossed (i32.ge_u (local.get $j) (local.get $limit)))
                    (i32.store8 (local.get $j) (i32.const 1))
                    (local.set $j (i32.add (local.get $j) (local.get $i)))
                    (br $cross)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))

  (func (export "main") (result i64)
    (call $sum_primes (i32.const 2000000)))
)
