;; Pillow's 8-bit resampling passes (libImaging/Resample.c ImagingResampleHorizontal_8bpc / Vertical_8bpc) and the
;; HWC bytes → CHW float32 lookup, in WebAssembly SIMD. Why: the JS port cost ~3× Pillow's C (issue 19).
;; Exactness: the arithmetic is Resample.c's own: int32 multiply-adds of 8-bit pixels by the 22-bit fixed-point taps
;; of pil-resample.ts planAxis, wrapping as C's int32 does, then clip8 — (sum >> 22) clamped to 0..255, which the two
;; saturating narrows compute exactly (sum >= 1 << 30 gives >= 256, sum <= 0 gives <= 0). Wrapping sums do not depend
;; on the order of the terms, so every output byte equals Pillow's.
;; Memory is private to one thread (pil-resample-kernel.ts lays it out); every buffer read or written whole in 16-byte
;; vectors has 16 bytes of padding after it.
;; Regenerate pil-resample-wasm.ts after editing: npx tsx src/main/engine/wasm/assemble.ts src/main/engine/preprocess/pil-resample.wat
(module
  (import "env" "memory" (memory 1))

  ;; Horizontal pass over `rows` rows of RGB pixels (row y at src + y * stride): output pixel xx of a row sums the
  ;; taps coeffs[xx * ksize …] (int32) over input pixels bounds[2xx] … bounds[2xx] + bounds[2xx + 1] - 1; outCols
  ;; pixels per output row, packed at dst. Each pixel is one i32x4 (R, G, B, and bytes of the next pixel, whose lane
  ;; is discarded); see $put for how it is stored.
  ;; Rows go four at a time, so each tap's coefficient is loaded once for four rows.
  (func (export "hpass")
    (param $src i32) (param $stride i32) (param $rows i32) (param $bounds i32) (param $coeffs i32) (param $ksize i32)
    (param $outCols i32) (param $dst i32)
    (local $y i32) (local $xx i32) (local $taps i32) (local $row i32) (local $p i32) (local $k i32) (local $kend i32)
    (local $kstride i32) (local $ostride i32) (local $o i32) (local $last i32) (local $c v128)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $kstride (i32.shl (local.get $ksize) (i32.const 2)))
    (local.set $ostride (i32.mul (local.get $outCols) (i32.const 3)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $y) (local.get $rows)))
        (local.set $row (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $stride))))
        (local.set $o (i32.add (local.get $dst) (i32.mul (local.get $y) (local.get $ostride))))
        (local.set $xx (i32.const 0))
        (block $colsDone
          (loop $colLoop
            (br_if $colsDone (i32.ge_u (local.get $xx) (local.get $outCols)))
            (local.set $p (i32.add (local.get $row)
              (i32.mul (i32.load (i32.add (local.get $bounds) (i32.shl (local.get $xx) (i32.const 3)))) (i32.const 3))))
            (local.set $taps (i32.load offset=4 (i32.add (local.get $bounds) (i32.shl (local.get $xx) (i32.const 3)))))
            (local.set $k (i32.add (local.get $coeffs) (i32.mul (local.get $xx) (local.get $kstride))))
            (local.set $kend (i32.add (local.get $k) (i32.shl (local.get $taps) (i32.const 2))))
            (local.set $last (i32.eq (i32.add (local.get $xx) (i32.const 1)) (local.get $outCols)))
            (local.set $a0 (v128.const i32x4 0x200000 0x200000 0x200000 0x200000))
            (if (i32.ge_u (i32.add (local.get $y) (i32.const 4)) (i32.add (local.get $rows) (i32.const 1)))
              (then
                ;; Fewer than four rows left: one row.
                (block $tapsDone
                  (loop $tapLoop
                    (br_if $tapsDone (i32.ge_u (local.get $k) (local.get $kend)))
                    (local.set $a0 (i32x4.add (local.get $a0)
                      (i32x4.mul (i32x4.extend_low_i16x8_u (v128.load8x8_u align=1 (local.get $p))) (v128.load32_splat (local.get $k)))))
                    (local.set $p (i32.add (local.get $p) (i32.const 3)))
                    (local.set $k (i32.add (local.get $k) (i32.const 4)))
                    (br $tapLoop)))
                (call $put (local.get $o) (i32x4.extract_lane 0 (i8x16.narrow_i16x8_u (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $a0) (i32.const 22)) (local.get $a0)) (local.get $a0))) (local.get $last)))
              (else
                (local.set $a1 (local.get $a0))
                (local.set $a2 (local.get $a0))
                (local.set $a3 (local.get $a0))
                (block $tapsDone4
                  (loop $tapLoop4
                    (br_if $tapsDone4 (i32.ge_u (local.get $k) (local.get $kend)))
                    (local.set $c (v128.load32_splat (local.get $k)))
                    (local.set $a0 (i32x4.add (local.get $a0)
                      (i32x4.mul (i32x4.extend_low_i16x8_u (v128.load8x8_u align=1 (local.get $p))) (local.get $c))))
                    (local.set $a1 (i32x4.add (local.get $a1)
                      (i32x4.mul (i32x4.extend_low_i16x8_u (v128.load8x8_u align=1 (i32.add (local.get $p) (local.get $stride)))) (local.get $c))))
                    (local.set $a2 (i32x4.add (local.get $a2)
                      (i32x4.mul (i32x4.extend_low_i16x8_u (v128.load8x8_u align=1
                        (i32.add (local.get $p) (i32.shl (local.get $stride) (i32.const 1))))) (local.get $c))))
                    (local.set $a3 (i32x4.add (local.get $a3)
                      (i32x4.mul (i32x4.extend_low_i16x8_u (v128.load8x8_u align=1
                        (i32.add (local.get $p) (i32.mul (local.get $stride) (i32.const 3))))) (local.get $c))))
                    (local.set $p (i32.add (local.get $p) (i32.const 3)))
                    (local.set $k (i32.add (local.get $k) (i32.const 4)))
                    (br $tapLoop4)))
                (local.set $r0 (i32x4.extract_lane 0 (i8x16.narrow_i16x8_u (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $a0) (i32.const 22)) (local.get $a0)) (local.get $a0))))
                (local.set $r1 (i32x4.extract_lane 0 (i8x16.narrow_i16x8_u (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $a1) (i32.const 22)) (local.get $a1)) (local.get $a1))))
                (local.set $r2 (i32x4.extract_lane 0 (i8x16.narrow_i16x8_u (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $a2) (i32.const 22)) (local.get $a2)) (local.get $a2))))
                (local.set $r3 (i32x4.extract_lane 0 (i8x16.narrow_i16x8_u (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $a3) (i32.const 22)) (local.get $a3)) (local.get $a3))))
                (if (local.get $last)
                  (then
                    (call $put (local.get $o) (local.get $r0) (i32.const 1))
                    (call $put (i32.add (local.get $o) (local.get $ostride)) (local.get $r1) (i32.const 1))
                    (call $put (i32.add (local.get $o) (i32.shl (local.get $ostride) (i32.const 1))) (local.get $r2) (i32.const 1))
                    (call $put (i32.add (local.get $o) (i32.mul (local.get $ostride) (i32.const 3))) (local.get $r3) (i32.const 1)))
                  (else
                    (i32.store align=1 (local.get $o) (local.get $r0))
                    (i32.store align=1 (i32.add (local.get $o) (local.get $ostride)) (local.get $r1))
                    (i32.store align=1 (i32.add (local.get $o) (i32.shl (local.get $ostride) (i32.const 1))) (local.get $r2))
                    (i32.store align=1 (i32.add (local.get $o) (i32.mul (local.get $ostride) (i32.const 3))) (local.get $r3))))))
            (local.set $o (i32.add (local.get $o) (i32.const 3)))
            (local.set $xx (i32.add (local.get $xx) (i32.const 1)))
            (br $colLoop)))
        (local.set $y (i32.add (local.get $y)
          (select (i32.const 4) (i32.const 1) (i32.lt_u (i32.add (local.get $y) (i32.const 4)) (i32.add (local.get $rows) (i32.const 1))))))
        (br $rowLoop))))

  ;; One pixel's bytes (R, G, B in the low three bytes of rgb) at p: four bytes at once, whose last is the next
  ;; pixel's and is overwritten by it, except for a row's last pixel, whose next is already written (three bytes).
  (func $put (param $p i32) (param $rgb i32) (param $last i32)
    (if (local.get $last)
      (then
        (i32.store16 align=1 (local.get $p) (local.get $rgb))
        (i32.store8 offset=2 (local.get $p) (i32.shr_u (local.get $rgb) (i32.const 16))))
      (else (i32.store align=1 (local.get $p) (local.get $rgb)))))

  ;; Vertical pass: src holds rows of `stride` bytes, its first being input row row0; output row yy sums the taps
  ;; coeffs[yy * ksize …] over input rows bounds[2yy] … bounds[2yy] + bounds[2yy + 1] - 1, 16 bytes at a time in
  ;; four i32x4 accumulators; outRows rows of `stride` bytes go to dst. A row's last vector may spill into the next
  ;; output row, which is written after it, or into the padding.
  (func (export "vpass")
    (param $src i32) (param $stride i32) (param $row0 i32) (param $bounds i32) (param $coeffs i32) (param $ksize i32)
    (param $outRows i32) (param $dst i32)
    (local $yy i32) (local $i i32) (local $y i32) (local $taps i32) (local $first i32) (local $p i32) (local $k i32)
    (local $kbase i32) (local $out i32) (local $c v128) (local $v v128) (local $lo v128) (local $hi v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $yy) (local.get $outRows)))
        (local.set $first (i32.add (local.get $src) (i32.mul
          (i32.sub (i32.load (i32.add (local.get $bounds) (i32.shl (local.get $yy) (i32.const 3)))) (local.get $row0))
          (local.get $stride))))
        (local.set $taps (i32.load offset=4 (i32.add (local.get $bounds) (i32.shl (local.get $yy) (i32.const 3)))))
        (local.set $kbase (i32.add (local.get $coeffs) (i32.shl (i32.mul (local.get $yy) (local.get $ksize)) (i32.const 2))))
        (local.set $out (i32.add (local.get $dst) (i32.mul (local.get $yy) (local.get $stride))))
        (local.set $i (i32.const 0))
        (block $chunksDone
          (loop $chunkLoop
            (br_if $chunksDone (i32.ge_u (local.get $i) (local.get $stride)))
            (local.set $a0 (v128.const i32x4 0x200000 0x200000 0x200000 0x200000))
            (local.set $a1 (local.get $a0))
            (local.set $a2 (local.get $a0))
            (local.set $a3 (local.get $a0))
            (local.set $p (i32.add (local.get $first) (local.get $i)))
            (local.set $k (local.get $kbase))
            (local.set $y (i32.const 0))
            (block $tapsDone
              (loop $tapLoop
                (br_if $tapsDone (i32.ge_u (local.get $y) (local.get $taps)))
                (local.set $c (i32x4.splat (i32.load (local.get $k))))
                (local.set $v (v128.load align=1 (local.get $p)))
                (local.set $lo (i16x8.extend_low_i8x16_u (local.get $v)))
                (local.set $hi (i16x8.extend_high_i8x16_u (local.get $v)))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.mul (i32x4.extend_low_i16x8_u (local.get $lo)) (local.get $c))))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.mul (i32x4.extend_high_i16x8_u (local.get $lo)) (local.get $c))))
                (local.set $a2 (i32x4.add (local.get $a2) (i32x4.mul (i32x4.extend_low_i16x8_u (local.get $hi)) (local.get $c))))
                (local.set $a3 (i32x4.add (local.get $a3) (i32x4.mul (i32x4.extend_high_i16x8_u (local.get $hi)) (local.get $c))))
                (local.set $p (i32.add (local.get $p) (local.get $stride)))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (local.set $y (i32.add (local.get $y) (i32.const 1)))
                (br $tapLoop)))
            (v128.store align=1 (i32.add (local.get $out) (local.get $i))
              (i8x16.narrow_i16x8_u
                (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $a0) (i32.const 22)) (i32x4.shr_s (local.get $a1) (i32.const 22)))
                (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $a2) (i32.const 22)) (i32x4.shr_s (local.get $a3) (i32.const 22)))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $chunkLoop)))
        (local.set $yy (i32.add (local.get $yy) (i32.const 1)))
        (br $rowLoop))))

  ;; CHW float32 planes from `rows` × `cols` packed RGB pixels: channel c of byte u is table[256c + u] (image.ts
  ;; valueTable); pixel (y, x) goes to element (y + dy) * outWidth + dx + x of each plane (`plane` elements apart).
  (func (export "chw")
    (param $src i32) (param $cols i32) (param $rows i32) (param $table i32) (param $dst i32) (param $outWidth i32)
    (param $plane i32) (param $dy i32) (param $dx i32)
    (local $y i32) (local $x i32) (local $o i32) (local $plane4 i32)
    (local.set $plane4 (i32.shl (local.get $plane) (i32.const 2)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $y) (local.get $rows)))
        (local.set $o (i32.add (local.get $dst) (i32.shl
          (i32.add (i32.mul (i32.add (local.get $y) (local.get $dy)) (local.get $outWidth)) (local.get $dx)) (i32.const 2))))
        (local.set $x (i32.const 0))
        (block $colsDone
          (loop $colLoop
            (br_if $colsDone (i32.ge_u (local.get $x) (local.get $cols)))
            (f32.store (local.get $o)
              (f32.load (i32.add (local.get $table) (i32.shl (i32.load8_u (local.get $src)) (i32.const 2)))))
            (f32.store (i32.add (local.get $o) (local.get $plane4))
              (f32.load offset=1024 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=1 (local.get $src)) (i32.const 2)))))
            (f32.store (i32.add (local.get $o) (i32.shl (local.get $plane4) (i32.const 1)))
              (f32.load offset=2048 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=2 (local.get $src)) (i32.const 2)))))
            (local.set $src (i32.add (local.get $src) (i32.const 3)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $colLoop)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rowLoop))))
)
