;; SIMD (f32x4) kernels for training the WSA attack MLP: a register-blocked GEMM, a transpose and
;; the Adam update. Memory is imported and shared so worker threads can run the same kernels on
;; disjoint output columns. Assemble with `npx tsx src/main/engine/attacks/kernels/assemble-nn-wasm.ts`.
(module
  (import "env" "memory" (memory 1 32768 shared))

  ;; C[m, n0:n1] (+)= sum_k A(m, k) * B[k, n], all float32.
  ;; A(m, k) lives at a + 4 * (m * sam + k * sak), so one kernel serves A and its transpose;
  ;; B and C are row-major with leading dimensions ldb and ldc (in elements).
  ;; Requires m % 4 == 0 and (n1 - n0) % 8 == 0; each C element is summed in increasing k,
  ;; so the result does not depend on how columns are split between threads.
  (func (export "gemm")
    (param $a i32) (param $sam i32) (param $sak i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $m i32) (param $k i32) (param $n0 i32) (param $n1 i32)
    (param $acc i32)
    (local $nb i32) (local $mb i32) (local $kk i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32) (local $pc i32)
    (local $sam4 i32) (local $sak4 i32) (local $ldb4 i32) (local $ldc4 i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $sam4 (i32.shl (local.get $sam) (i32.const 2)))
    (local.set $sak4 (i32.shl (local.get $sak) (i32.const 2)))
    (local.set $ldb4 (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $ldc4 (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $nb (local.get $n0))
    (block $nbdone
      (loop $nbloop
        (br_if $nbdone (i32.ge_u (local.get $nb) (local.get $n1)))
        (local.set $mb (i32.const 0))
        (block $mbdone
          (loop $mbloop
            (br_if $mbdone (i32.ge_u (local.get $mb) (local.get $m)))
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
            (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $mb) (local.get $sam4))))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $sam4)))
            (local.set $pa2 (i32.add (local.get $pa1) (local.get $sam4)))
            (local.set $pa3 (i32.add (local.get $pa2) (local.get $sam4)))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $nb) (i32.const 2))))
            (local.set $kk (local.get $k))
            (block $kdone
              (br_if $kdone (i32.eqz (local.get $kk)))
              (loop $kloop
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $x (v128.load32_splat (local.get $pa0)))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (local.get $pa1)))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (local.get $pa2)))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (local.get $pa3)))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $pa0 (i32.add (local.get $pa0) (local.get $sak4)))
                (local.set $pa1 (i32.add (local.get $pa1) (local.get $sak4)))
                (local.set $pa2 (i32.add (local.get $pa2) (local.get $sak4)))
                (local.set $pa3 (i32.add (local.get $pa3) (local.get $sak4)))
                (local.set $pb (i32.add (local.get $pb) (local.get $ldb4)))
                (local.set $kk (i32.sub (local.get $kk) (i32.const 1)))
                (br_if $kloop (local.get $kk))))
            (local.set $pc (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $mb) (local.get $ldc)) (local.get $nb)) (i32.const 2))))
            (if (local.get $acc)
              (then
                (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $pc))))
                (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $pc))))
                (local.set $c10 (f32x4.add (local.get $c10) (v128.load (i32.add (local.get $pc) (local.get $ldc4)))))
                (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (i32.add (local.get $pc) (local.get $ldc4)))))
                (local.set $c20 (f32x4.add (local.get $c20) (v128.load (i32.add (local.get $pc) (i32.shl (local.get $ldc4) (i32.const 1))))))
                (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (i32.add (local.get $pc) (i32.shl (local.get $ldc4) (i32.const 1))))))
                (local.set $c30 (f32x4.add (local.get $c30) (v128.load (i32.add (local.get $pc) (i32.mul (local.get $ldc4) (i32.const 3))))))
                (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (i32.add (local.get $pc) (i32.mul (local.get $ldc4) (i32.const 3))))))))
            (v128.store (local.get $pc) (local.get $c00))
            (v128.store offset=16 (local.get $pc) (local.get $c01))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldc4)))
            (v128.store (local.get $pc) (local.get $c10))
            (v128.store offset=16 (local.get $pc) (local.get $c11))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldc4)))
            (v128.store (local.get $pc) (local.get $c20))
            (v128.store offset=16 (local.get $pc) (local.get $c21))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldc4)))
            (v128.store (local.get $pc) (local.get $c30))
            (v128.store offset=16 (local.get $pc) (local.get $c31))
            (local.set $mb (i32.add (local.get $mb) (i32.const 4)))
            (br $mbloop)))
        (local.set $nb (i32.add (local.get $nb) (i32.const 8)))
        (br $nbloop))))

  ;; dst[j, i] = src[i, j] for i < rows, j < cols; leading dimensions lds and ldd (elements).
  (func (export "transpose")
    (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $lds i32) (param $ldd i32)
    (local $i i32) (local $j i32) (local $ps i32) (local $pd i32) (local $ldd4 i32)
    (local.set $ldd4 (i32.shl (local.get $ldd) (i32.const 2)))
    (block $idone
      (loop $iloop
        (br_if $idone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $ps (i32.add (local.get $src) (i32.shl (i32.mul (local.get $i) (local.get $lds)) (i32.const 2))))
        (local.set $pd (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $cols)))
            (f32.store (local.get $pd) (f32.load (local.get $ps)))
            (local.set $ps (i32.add (local.get $ps) (i32.const 4)))
            (local.set $pd (i32.add (local.get $pd) (local.get $ldd4)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jloop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iloop))))

  ;; Adam (Kingma & Ba 2015, as torch.optim.Adam without weight decay) on elements [i0, i1):
  ;; m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= stepSize * m / (sqrt(v) / bc2sqrt + eps)
  ;; with stepSize = lr / (1 - b1^t) and bc2sqrt = sqrt(1 - b2^t). Requires i0, i1 multiples of 4.
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $i0 i32) (param $i1 i32)
    (param $stepSize f32) (param $b1 f32) (param $b2 f32) (param $eps f32) (param $bc2sqrt f32)
    (local $off i32) (local $end i32) (local $gv v128) (local $mv v128) (local $vv v128)
    (local $vb1 v128) (local $vb1c v128) (local $vb2 v128) (local $vb2c v128)
    (local $veps v128) (local $vstep v128) (local $vbc2 v128)
    (local.set $vb1 (f32x4.splat (local.get $b1)))
    (local.set $vb1c (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))))
    (local.set $vb2 (f32x4.splat (local.get $b2)))
    (local.set $vb2c (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vstep (f32x4.splat (local.get $stepSize)))
    (local.set $vbc2 (f32x4.splat (local.get $bc2sqrt)))
    (local.set $off (i32.shl (local.get $i0) (i32.const 2)))
    (local.set $end (i32.shl (local.get $i1) (i32.const 2)))
    (block $done
      (loop $lp
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $off))))
        (local.set $mv (f32x4.add
          (f32x4.mul (local.get $vb1) (v128.load (i32.add (local.get $m) (local.get $off))))
          (f32x4.mul (local.get $vb1c) (local.get $gv))))
        (local.set $vv (f32x4.add
          (f32x4.mul (local.get $vb2) (v128.load (i32.add (local.get $v) (local.get $off))))
          (f32x4.mul (local.get $vb2c) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (i32.add (local.get $m) (local.get $off)) (local.get $mv))
        (v128.store (i32.add (local.get $v) (local.get $off)) (local.get $vv))
        (v128.store (i32.add (local.get $p) (local.get $off))
          (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $off)))
            (f32x4.div (f32x4.mul (local.get $vstep) (local.get $mv))
              (f32x4.add (f32x4.div (f32x4.sqrt (local.get $vv)) (local.get $vbc2)) (local.get $veps)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $lp))))
)
