/* A bare-metal (M-mode) program for the CLI tests: writes a signature, then stores TOHOST_VALUE
 * to `tohost` (riscv-tests convention: 1 = pass, (n << 1) | 1 = test n failed).
 * Built with -nostdlib -Ttext=0x80000000.
 */
#ifndef TOHOST_VALUE
#define TOHOST_VALUE 1
#endif
	.section .text
	.globl _start
_start:
	la	t0, begin_signature
	li	t1, 0xdeadbeef
	sw	t1, 0(t0)
	li	t1, 0x00c0ffee
	sw	t1, 4(t0)
	c.li	t2, 5
	sw	t2, 8(t0)
#ifdef SPIN
1:	j	1b
#endif
	li	t1, TOHOST_VALUE
	la	t0, tohost
	sw	t1, 0(t0)
2:	j	2b

	.section .data
	.balign 64
	.globl tohost
tohost:	.word 0
	.word 0
	.balign 16
	.globl begin_signature
begin_signature:
	.word 0, 0, 0, 0x11111111
	.globl end_signature
end_signature:
	.word 0
