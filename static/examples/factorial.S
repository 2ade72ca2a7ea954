# factorial.S - a recursive function, with a stack.
#
# factorial(n) = n * factorial(n - 1), and factorial(0) = 1.
#
# What to watch:
#   * `call factorial` is `jal ra, factorial`: it puts the return address in ra (x1) and jumps.
#   * Each call makes a 16-byte stack frame: sp (x2) goes down by 16, and the caller's ra and n are
#     saved there with `sw`. Watch sp shrink as the recursion goes deeper, then grow as it returns.
#   * `ret` is `jalr zero, 0(ra)`: it jumps back to the saved return address.
#   * `mul` comes from the M extension (integer multiply and divide).
#   * factorial(6) = 720 (0x2d0) ends up in a0; the program checks it and writes `tohost`
#     (1 = pass).

    .section .text.init
    .globl _start
    .type _start, @function
_start:
    la      sp, _stack_top      # the stack grows down from the end of RAM used by this program
    li      a0, 6
    call    factorial           # a0 = factorial(6)
    li      t1, 720
    li      t2, 1               # 1 = pass
    beq     a0, t1, 1f
    li      t2, 3               # fail, code 1
1:  la      t3, tohost
    sw      t2, 0(t3)
2:  j       2b
    .size _start, . - _start

# a0 = factorial(a0)
    .text
    .globl factorial
    .type factorial, @function
factorial:
    addi    sp, sp, -16         # make a stack frame
    sw      ra, 12(sp)          # save our return address ...
    sw      a0, 8(sp)           # ... and n, which the recursive call will overwrite
    li      t0, 1
    bgt     a0, t0, recurse     # n > 1: recurse
    li      a0, 1               # base case: factorial(0) = factorial(1) = 1
    j       done
recurse:
    addi    a0, a0, -1
    call    factorial           # a0 = factorial(n - 1)
    lw      t0, 8(sp)           # t0 = n
    mul     a0, a0, t0          # a0 = n * factorial(n - 1)
done:
    lw      ra, 12(sp)
    addi    sp, sp, 16          # pop the frame
    ret
    .size factorial, . - factorial

    .section .tohost, "aw", @progbits
    .balign 8
    .globl tohost
tohost:   .word 0, 0
    .globl fromhost
fromhost: .word 0, 0
