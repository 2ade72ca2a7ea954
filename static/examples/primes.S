# primes.S - a longer run: count the primes below 30 million with the sieve of Eratosthenes.
#
# The sieve keeps one byte per number in free RAM after the program (symbol _end, zero at reset).
# For each i from 2 up: if byte[i] is still 0, i is prime; then mark i*i, i*i + i, i*i + 2i, ...
# as composite (only needed while i*i < N, i.e. i < 5478).
#
# What to watch:
#   * Press Run: this takes about 440 million instructions, so the status line shows the
#     speed of the interpreter live (instructions per second). Pause and Run again at any time.
#   * Pause in the middle and step through the inner `mark` loop (sb, add, bltu).
#   * At the end a0 = 1857859 (0x001c5943), the number of primes below 30,000,000.

    .equ N, 30000000
    .equ SQRT_N, 5478           # the smallest i with i * i >= N

    .section .text.init
    .globl _start
    .type _start, @function
_start:
    la      s0, _end            # s0 = &byte[0]
    li      s1, N
    li      s2, SQRT_N
    li      a0, 0               # a0 = count of primes
    li      t0, 2               # t0 = i
    li      t4, 1
outer:
    add     t1, s0, t0
    lbu     t2, 0(t1)           # byte[i]
    bnez    t2, next            # marked: not a prime
    addi    a0, a0, 1           # a prime
    bgeu    t0, s2, next        # i * i >= N: nothing left to mark
    mul     t3, t0, t0          # j = i * i
mark:
    add     t1, s0, t3
    sb      t4, 0(t1)           # byte[j] = 1: j is composite
    add     t3, t3, t0          # j += i
    bltu    t3, s1, mark
next:
    addi    t0, t0, 1
    bltu    t0, s1, outer

    li      t1, 1857859         # the known answer
    li      t2, 1               # pass
    beq     a0, t1, 1f
    li      t2, 3               # fail, code 1
1:  la      t3, tohost
    sw      t2, 0(t3)
2:  j       2b
    .size _start, . - _start

    .section .tohost, "aw", @progbits
    .balign 8
    .globl tohost
tohost:   .word 0, 0
    .globl fromhost
fromhost: .word 0, 0
