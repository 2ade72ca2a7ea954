# traps.S - an M-mode trap handler that catches `ecall` and an illegal instruction.
#
# A trap stops the normal flow: the hart saves the pc of the trapping instruction in mepc, the
# reason in mcause (8/9/11 = ecall from U/S/M-mode, 2 = illegal instruction), an extra value in
# mtval (for an illegal instruction: its bits), and jumps to the address in mtvec.
# The handler decides what to do, then `mret` jumps back to mepc.
#
# What to watch:
#   * The status line shows each trap in words when it happens.
#   * Step into `trap_handler`: it reads mcause and mepc with `csrr`.
#   * A trap handler must skip the instruction that trapped, or `mret` would run it again. An
#     instruction is 2 bytes long if its low two bits are not 0b11 (compressed), else 4 bytes.
#   * s1 counts ecalls, s2 counts illegal instructions, s3 remembers the last mtval.
#   * After one ecall and one illegal instruction the program writes 1 (pass) to `tohost`.

    .section .text.init
    .globl _start
    .type _start, @function
_start:
    la      t0, trap_handler
    csrw    mtvec, t0           # traps go to trap_handler (direct mode: low bits 00)
    li      s1, 0
    li      s2, 0

    li      a7, 42              # a "system call number", just to see it in the handler
    ecall                       # trap! mcause = 11 (environment call from M-mode)

    unimp                       # trap! an all-zero halfword is always illegal: mcause = 2

    li      t1, 1               # back from both traps: check the counters
    bne     s1, t1, fail
    bne     s2, t1, fail
    li      t2, 1               # pass
    j       exit
fail:
    li      t2, 3               # fail, code 1
exit:
    la      t3, tohost
    sw      t2, 0(t3)
1:  j       1b
    .size _start, . - _start

    .text
    .balign 4                   # mtvec needs a 4-byte aligned address
    .globl trap_handler
    .type trap_handler, @function
trap_handler:
    csrr    t0, mcause
    csrr    t1, mepc
    csrr    s3, mtval
    li      t2, 2
    beq     t0, t2, illegal
    addi    s1, s1, 1           # otherwise: an ecall
    j       skip
illegal:
    addi    s2, s2, 1
skip:
    lhu     t2, 0(t1)           # the first halfword of the trapping instruction
    andi    t2, t2, 3
    li      t3, 3
    addi    t1, t1, 2           # compressed: 2 bytes
    bne     t2, t3, 1f
    addi    t1, t1, 2           # low bits 0b11: a 4-byte instruction
1:  csrw    mepc, t1            # resume after the trapping instruction
    mret
    .size trap_handler, . - trap_handler

    .section .tohost, "aw", @progbits
    .balign 8
    .globl tohost
tohost:   .word 0, 0
    .globl fromhost
fromhost: .word 0, 0
