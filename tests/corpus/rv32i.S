# RV32I base instructions (Unprivileged ISA 20191213, chapter 2), in their plain spellings and
# with operands chosen to reach the edges of every immediate field.
	.text
	.option norvc
start:
	lui	a0, 0x12345
	lui	t6, 0xfffff
	lui	zero, 0
	auipc	ra, 0
	auipc	s11, 0x80000

	addi	a0, a1, 1
	addi	a0, a1, -2048
	addi	a0, a1, 2047
	slti	t0, t1, -1
	sltiu	t0, t1, 2047
	xori	s0, s1, 0x7ff
	ori	s0, s1, -1
	andi	s0, s1, 12
	slli	a2, a3, 0
	slli	a2, a3, 31
	srli	a4, a5, 1
	srai	a6, a7, 31

	add	s2, s3, s4
	sub	s5, s6, s7
	sll	s8, s9, s10
	slt	s11, t3, t4
	sltu	t5, t6, ra
	xor	sp, gp, tp
	srl	a0, a0, a1
	sra	a1, a2, a3
	or	a4, a5, a6
	and	a7, s0, s1

	lb	a0, 0(a1)
	lh	a0, -2048(sp)
	lw	a0, 2047(s0)
	lbu	t0, -1(t1)
	lhu	t2, 64(gp)
	sb	a0, 0(a1)
	sh	a2, -2048(a3)
	sw	ra, 2047(sp)

back:
	beq	a0, a1, back
	bne	a2, a3, fwd
	blt	a4, a5, back
	bge	a6, a7, fwd
	bltu	s0, s1, back
	bgeu	s2, s3, fwd
	beq	zero, a0, fwd
	bne	zero, a0, back
	bltu	zero, a0, fwd
	bgeu	a0, zero, back
fwd:
	jal	zero, back
	jal	ra, fwd
	jal	t0, start
	jalr	zero, 0(ra)
	jalr	ra, 4(a0)
	jalr	t1, -2048(t2)
	jalr	s0, 2047(s1)

	fence	iorw, iorw
	fence	r, w
	fence	io, rw
	fence	ow, ir
	fence.tso
	fence.i
	ecall
	ebreak
	# Branch and jump reach: the largest offsets the B and J formats hold.
	j	.+0xffffe
	jal	.-0x100000
	beq	a0, a1, .+4094
	bne	a0, a1, .-4096
