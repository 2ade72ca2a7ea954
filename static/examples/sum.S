# sum.S - a loop that adds up the numbers 1 to 10.
#
# What to watch:
#   * t0 counts down from 10 to 0, a0 accumulates the running total.
#   * Step through one round of the loop: `add`, `addi`, `bnez`. The branch jumps back to `loop`
#     while t0 is not zero; when t0 reaches zero it falls through.
#   * At the end a0 = 1 + 2 + ... + 10 = 55 (0x37). The program compares a0 with 55 and writes the
#     result to `tohost`, the playground's "exit" word: 1 means pass, (code << 1) | 1 means fail.
#   * Many instructions here are 2 bytes long: the C (compressed) extension encodes common
#     instructions such as `li` and `add` in 16 bits. Watch how far the pc moves after each step.

    .section .text.init
    .globl _start
    .type _start, @function
_start:
    li      a0, 0               # a0 = total = 0
    li      t0, 10              # t0 = n = 10
loop:
    add     a0, a0, t0          # total += n
    addi    t0, t0, -1          # n -= 1
    bnez    t0, loop            # repeat while n != 0

    li      t1, 55              # the expected answer
    bne     a0, t1, fail
pass:
    li      t2, 1               # 1 = pass
    j       exit
fail:
    li      t2, 3               # (1 << 1) | 1 = fail with code 1
exit:
    la      t3, tohost
    sw      t2, 0(t3)           # the machine halts here
1:  j       1b                  # never reached: the store above ends the run

    .section .tohost, "aw", @progbits
    .balign 8
    .globl tohost
tohost:   .word 0, 0
    .globl fromhost
fromhost: .word 0, 0
