/* _start for SnowRV's differential test programs (Linux user ABI, rv32, static, picolibc).
 *
 * The kernel (qemu-riscv32 or SnowRV's linux env) enters here with sp at the Linux initial stack:
 * argc, argv[], NULL, envp[], NULL, auxv. We pass argc/argv/envp to main, then switch to the
 * picolibc.ld stack (`__stack`, a fixed address) so every register value after this point is the
 * same under both implementations: the per-instruction trace comparison relies on that.
 * No .data copy is needed: both loaders place segments at their virtual addresses.
 */
	.section .text.init.enter, "ax"
	.globl _start
	.type _start, @function
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	tp, __tls_base
	lw	a0, 0(sp)		/* argc */
	addi	a1, sp, 4		/* argv */
	slli	a2, a0, 2
	add	a2, a2, a1
	addi	a2, a2, 4		/* envp = argv + argc + 1 */
	la	sp, __stack
	call	__snowrv_main
	/* __snowrv_main does not return; trap if it does */
	unimp
	.size _start, . - _start
