# Zicsr (chapter 9) with objdump's aliases, and the privileged instructions (Privileged ISA v1.12).
	.text
	.option norvc
	csrrw	a0, mstatus, a1
	csrrs	a0, mie, a1
	csrrc	a0, mip, a1
	csrrwi	a0, mtvec, 0
	csrrsi	a0, mscratch, 31
	csrrci	a0, mepc, 5
	csrr	a0, mcause
	csrw	mtval, a0
	csrs	sstatus, a0
	csrc	sie, a0
	csrwi	stvec, 1
	csrsi	sscratch, 2
	csrci	sepc, 3
	csrrw	zero, satp, zero
	csrrs	zero, mstatus, zero
	csrrc	zero, mstatus, zero
	csrrw	a0, 0x7c0, a1
	csrr	a0, 0xfff
	rdcycle	a0
	rdtime	a1
	rdinstret	a2
	rdcycleh	a3
	rdtimeh	a4
	rdinstreth	a5
	csrr	a0, cycle
	csrr	a0, fflags
	csrw	frm, a0
	csrrw	a1, fcsr, a0
	unimp
	mret
	sret
	wfi
	sfence.vma
	sfence.vma	a0
	sfence.vma	a0, a1
	sfence.vma	zero, a1
	pause
	fence	w, o
