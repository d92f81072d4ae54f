;; Hot loops of the stratified bootstrap (resample-kernels.ts), over one shared memory.
;; Why WebAssembly: the same loops in JS ran 2–3× slower (typed-array bounds checks, int/float
;; conversions, deoptimisation) and 1000 resamples × 10⁶ scores must fit in seconds (issue 5).
;; Regenerate resample-wasm.ts after editing: npx tsx src/main/engine/wasm/assemble.ts src/main/engine/metrics/resample.wat
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Pair tables (see resample-counts.ts): 16-bit bucket → pair code, or 255 where a slice boundary
  ;; splits the bucket; then slice ends (u32) and their codes for a binary search.
  (global $table (mut i32) (i32.const 0))
  (global $thresholds (mut i32) (i32.const 0))
  (global $codes (mut i32) (i32.const 0))
  (global $slices (mut i32) (i32.const 0))

  (func (export "init") (param $table i32) (param $thresholds i32) (param $codes i32) (param $slices i32)
    (global.set $table (local.get $table))
    (global.set $thresholds (local.get $thresholds))
    (global.set $codes (local.get $codes))
    (global.set $slices (local.get $slices)))

  ;; Code of the first slice whose end exceeds u (unsigned); the last slice takes everything left.
  (func $pair_slow (param $u i32) (result i32)
    (local $lo i32) (local $hi i32) (local $mid i32)
    (local.set $hi (i32.sub (global.get $slices) (i32.const 1)))
    (block $found
      (loop $search
        (br_if $found (i32.ge_u (local.get $lo) (local.get $hi)))
        (local.set $mid (i32.shr_u (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)))
        (if (i32.lt_u (local.get $u) (i32.load (i32.add (global.get $thresholds) (i32.shl (local.get $mid) (i32.const 2)))))
          (then (local.set $hi (local.get $mid)))
          (else (local.set $lo (i32.add (local.get $mid) (i32.const 1)))))
        (br $search)))
    (i32.load8_u (i32.add (global.get $codes) (local.get $lo))))

  ;; Poisson(1) counts for cells [0, cells), cells even: one sfc32 draw (rng.ts's generator) per pair;
  ;; blocks[b] = Σ counts[0 … 64b) for every complete block. Updates the 4-word state; returns the total.
  ;; (Four generators in SIMD lanes measured no faster: the table lookups and stores dominate.)
  (func (export "fill") (param $counts i32) (param $cells i32) (param $blocks i32) (param $state i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $t i32)
    (local $i i32) (local $code i32) (local $x1 i32) (local $x2 i32) (local $total i32)
    (local.set $a (i32.load (local.get $state)))
    (local.set $b (i32.load offset=4 (local.get $state)))
    (local.set $c (i32.load offset=8 (local.get $state)))
    (local.set $d (i32.load offset=12 (local.get $state)))
    (i32.store (local.get $blocks) (i32.const 0))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $cells)))
        (local.set $t (i32.add (i32.add (local.get $a) (local.get $b)) (local.get $d)))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (local.set $a (i32.xor (local.get $b) (i32.shr_u (local.get $b) (i32.const 9))))
        (local.set $b (i32.add (local.get $c) (i32.shl (local.get $c) (i32.const 3))))
        (local.set $c (i32.add (i32.rotl (local.get $c) (i32.const 21)) (local.get $t)))
        (local.set $code (i32.load8_u (i32.add (global.get $table) (i32.shr_u (local.get $t) (i32.const 16)))))
        (if (i32.eq (local.get $code) (i32.const 255))
          (then (local.set $code (call $pair_slow (local.get $t)))))
        (local.set $x1 (i32.shr_u (local.get $code) (i32.const 4)))
        (local.set $x2 (i32.and (local.get $code) (i32.const 15)))
        (i32.store8 (i32.add (local.get $counts) (local.get $i)) (local.get $x1))
        (i32.store8 offset=1 (i32.add (local.get $counts) (local.get $i)) (local.get $x2))
        (local.set $total (i32.add (local.get $total) (i32.add (local.get $x1) (local.get $x2))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (if (i32.eqz (i32.and (local.get $i) (i32.const 63)))
          (then (i32.store (i32.add (local.get $blocks) (i32.shl (i32.shr_u (local.get $i) (i32.const 6)) (i32.const 2)))
            (local.get $total))))
        (br $pairs)))
    (i32.store (local.get $state) (local.get $a))
    (i32.store offset=4 (local.get $state) (local.get $b))
    (i32.store offset=8 (local.get $state) (local.get $c))
    (i32.store offset=12 (local.get $state) (local.get $d))
    (local.get $total))

  ;; cum[i] = Σ counts[0 … i) as f64 for i ≤ n; returns Σ counts[i]·scores[i].
  (func (export "accumulate") (param $scores i32) (param $counts i32) (param $n i32) (param $cum i32) (result f64)
    (local $i i32) (local $w f64) (local $tp f64) (local $sum f64)
    (f64.store (local.get $cum) (f64.const 0))
    (block $done
      (loop $cells
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $w (f64.convert_i32_u (i32.load8_u (i32.add (local.get $counts) (local.get $i)))))
        (local.set $tp (f64.add (local.get $tp) (local.get $w)))
        (local.set $sum (f64.add (local.get $sum)
          (f64.mul (local.get $w) (f64.load (i32.add (local.get $scores) (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (f64.store (i32.add (local.get $cum) (i32.shl (local.get $i) (i32.const 3))) (local.get $tp))
        (br $cells)))
    (local.get $sum))

  ;; The non-member scan: out = [Σ w·(cum[above] + cum[atOrAbove]) (twice the AUC numerator),
  ;; max over j of cum[above]·N − fp·P (∝ TPR − FPR just before each tie group), Σ w·score].
  ;; When atOrAbove == above (no ties, arrays shared) the second rank lookup is skipped.
  (func (export "scan") (param $scores i32) (param $above i32) (param $atOrAbove i32) (param $counts i32)
        (param $cum i32) (param $n i32) (param $members i32) (param $out i32)
    (local $j i32) (local $j4 i32) (local $w f64) (local $a f64) (local $b f64) (local $fp f64) (local $candidate f64)
    (local $twice f64) (local $best f64) (local $sum f64) (local $nf f64) (local $pf f64) (local $tied i32)
    (local.set $nf (f64.convert_i32_u (local.get $n)))
    (local.set $pf (f64.convert_i32_u (local.get $members)))
    (local.set $tied (i32.ne (local.get $above) (local.get $atOrAbove)))
    (block $done
      (loop $cells
        (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $w (f64.convert_i32_u (i32.load8_u (i32.add (local.get $counts) (local.get $j)))))
        (local.set $j4 (i32.shl (local.get $j) (i32.const 2)))
        (local.set $a (f64.load (i32.add (local.get $cum)
          (i32.shl (i32.load (i32.add (local.get $above) (local.get $j4))) (i32.const 3)))))
        (local.set $b (local.get $a))
        (if (local.get $tied)
          (then (local.set $b (f64.load (i32.add (local.get $cum)
            (i32.shl (i32.load (i32.add (local.get $atOrAbove) (local.get $j4))) (i32.const 3)))))))
        (local.set $twice (f64.add (local.get $twice) (f64.mul (local.get $w) (f64.add (local.get $a) (local.get $b)))))
        ;; compare-and-select: f64.max's NaN/±0 rules cost extra instructions and cannot arise here.
        (local.set $candidate (f64.sub (f64.mul (local.get $a) (local.get $nf)) (f64.mul (local.get $fp) (local.get $pf))))
        (local.set $best (select (local.get $candidate) (local.get $best) (f64.gt (local.get $candidate) (local.get $best))))
        (local.set $fp (f64.add (local.get $fp) (local.get $w)))
        (local.set $sum (f64.add (local.get $sum)
          (f64.mul (local.get $w) (f64.load (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cells)))
    (f64.store (local.get $out) (local.get $twice))
    (f64.store offset=8 (local.get $out) (local.get $best))
    (f64.store offset=16 (local.get $out) (local.get $sum)))
)
