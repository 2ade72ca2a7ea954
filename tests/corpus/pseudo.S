# Pseudo-instructions and the aliases objdump prints (RISC-V Assembly Programmer's Manual,
# "Pseudoinstructions"), as 32-bit encodings.
	.text
	.option norvc
top:
	nop
	li	a0, 0
	li	a0, -1
	li	a0, 2047
	li	zero, 5
	li	a1, 0x12345678
	li	a2, -0x80000000
	mv	a0, a1
	mv	zero, a0
	not	a0, a1
	neg	a0, a1
	neg	zero, zero
	seqz	a0, a1
	snez	a0, a1
	sltz	a0, a1
	sgtz	a0, a1
	zext.b	a3, a4
	slt	a0, zero, zero
	sltu	a0, zero, zero
	sltiu	a0, zero, 1
	beqz	a0, top
	bnez	a1, top
	blez	a2, top
	bgez	a3, top
	bltz	a4, top
	bgtz	a5, top
	bgt	a0, a1, top
	ble	a0, a1, top
	bgtu	a0, a1, top
	bleu	a0, a1, top
	blt	zero, zero, top
	bge	zero, zero, top
	j	top
	jal	top
	jr	a0
	jr	4(a0)
	jalr	a0
	jalr	-4(a0)
	jalr	a1, a0
	ret
	call	top
	tail	top
	la	a0, top
	lla	a1, top
	lw	a2, top
	sw	a3, top, t0
	unimp
