# paging.S - turn on Sv32 virtual memory and run code in S-mode and U-mode.
#
# The hart starts in M-mode, where addresses are physical. This program:
#   1. builds a two-level Sv32 page table in RAM (M-mode),
#   2. writes satp (MODE = 1 for Sv32, PPN = the root table's physical page number),
#   3. `mret`s into S-mode at `supervisor`, where every address is now translated,
#   4. `sret`s into U-mode at virtual address 0x00400000, a page mapped onto `user_code`,
#   5. the user program computes 6 * 7 and does `ecall`; medeleg sends that trap to the S-mode
#      handler `supervisor_trap`, which checks the answer and writes `tohost`.
#
# An Sv32 page table entry (PTE) is 32 bits: PPN[31:10] | RSW[9:8] | D A G U X W R V [7:0].
#   V = valid, R/W/X = read/write/execute, U = user may access, A = accessed, D = dirty.
#   A leaf at level 1 (the root) maps a 4 MiB "megapage"; a PTE with R = W = X = 0 points to
#   the next-level table instead.
#
# Map:
#   VA 0x80000000-0x803fffff -> PA 0x80000000 (megapage, RWX, S-mode only: the kernel's identity map)
#   VA 0x00400000-0x00400fff -> PA of user_code (4 KiB page, R X U: user code)
#
# What to watch: the privilege shown next to the pc goes M -> S -> U -> S; the pc jumps to
# 0x00400000 when the hart enters U-mode, although the code there lives at a physical address
# near 0x80000000.

    .equ PTE_V, 1 << 0
    .equ PTE_R, 1 << 1
    .equ PTE_W, 1 << 2
    .equ PTE_X, 1 << 3
    .equ PTE_U, 1 << 4
    .equ PTE_A, 1 << 6
    .equ PTE_D, 1 << 7
    .equ USER_VA, 0x00400000

    .section .text.init
    .globl _start
    .type _start, @function
_start:
    # --- 1. the page tables (M-mode, physical addresses) ---
    la      s0, root_table
    la      s1, user_table

    # root[0x200] (VA 0x80000000 >> 22 = 0x200): a megapage leaf for PA 0x80000000.
    li      t0, (0x80000000 >> 12) << 10            # PPN of 0x80000000, in PTE position
    ori     t0, t0, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
    li      t1, 0x200 * 4
    add     t1, t1, s0
    sw      t0, 0(t1)

    # root[1] (VA 0x00400000 >> 22 = 1): a pointer to user_table (R = W = X = 0).
    srli    t0, s1, 12
    slli    t0, t0, 10
    ori     t0, t0, PTE_V
    sw      t0, 4(s0)

    # user_table[0] (VPN[0] of 0x00400000 is 0): a 4 KiB leaf for user_code, U-mode R+X.
    la      t0, user_code
    srli    t0, t0, 12
    slli    t0, t0, 10
    ori     t0, t0, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A
    sw      t0, 0(s1)

    # --- 2. satp = MODE Sv32 | root PPN ---
    srli    t0, s0, 12
    li      t1, 1 << 31
    or      t0, t0, t1
    csrw    satp, t0
    sfence.vma                  # forget any stale translations

    # ecall from U-mode (cause 8) goes to the S-mode handler instead of M-mode.
    li      t0, 1 << 8
    csrw    medeleg, t0
    la      t0, supervisor_trap
    csrw    stvec, t0

    # Physical memory protection: S- and U-mode may only touch memory that a PMP entry allows
    # (when the hart has PMP). Entry 0 = NAPOT over the whole address space, R W X.
    li      t0, -1
    csrw    pmpaddr0, t0
    li      t0, 0x1f            # A = NAPOT (0b11 << 3) | X | W | R
    csrw    pmpcfg0, t0

    # --- 3. mret into S-mode: mstatus.MPP = 01 (S), mepc = supervisor ---
    li      t0, 3 << 11
    csrc    mstatus, t0         # clear MPP
    li      t0, 1 << 11
    csrs    mstatus, t0         # MPP = S
    la      t0, supervisor
    csrw    mepc, t0
    mret
    .size _start, . - _start

    .text
    .globl supervisor
    .type supervisor, @function
supervisor:
    # --- 4. S-mode with paging on. sret into U-mode: sstatus.SPP = 0 (U), sepc = USER_VA ---
    li      t0, 1 << 8
    csrc    sstatus, t0         # SPP = U
    li      t0, USER_VA
    csrw    sepc, t0
    sret
    .size supervisor, . - supervisor

    .balign 4
    .globl supervisor_trap
    .type supervisor_trap, @function
supervisor_trap:
    # --- 5. back in S-mode after the user's ecall ---
    csrr    t0, scause          # 8 = environment call from U-mode
    li      t1, 8
    bne     t0, t1, fail
    li      t1, 42
    bne     a0, t1, fail
    li      t2, 1               # pass
    j       exit
fail:
    li      t2, 3               # fail, code 1
exit:
    la      t3, tohost          # tohost is inside the identity megapage
    sw      t2, 0(t3)
1:  j       1b
    .size supervisor_trap, . - supervisor_trap

    # The user program, on a page of its own; it runs at virtual address 0x00400000.
    .section .text.user, "ax", @progbits
    .balign 4096
    .globl user_code
    .type user_code, @function
user_code:
    li      a0, 6
    li      a1, 7
    mul     a0, a0, a1          # a0 = 42
    li      a7, 93              # "exit", by Linux convention
    ecall                       # trap to the S-mode handler
2:  j       2b
    .size user_code, . - user_code

    .bss
    .balign 4096
root_table:   .zero 4096        # level-1 table: 1024 PTEs, each maps 4 MiB
user_table:   .zero 4096        # level-0 table: 1024 PTEs, each maps 4 KiB

    .section .tohost, "aw", @progbits
    .balign 8
    .globl tohost
tohost:   .word 0, 0
    .globl fromhost
fromhost: .word 0, 0
