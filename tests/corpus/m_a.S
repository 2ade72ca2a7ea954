# The M (chapter 7) and A (chapter 8) extensions, with every aq/rl combination.
	.text
	.option norvc
	mul	a0, a1, a2
	mulh	a3, a4, a5
	mulhsu	a6, a7, s0
	mulhu	s1, s2, s3
	div	s4, s5, s6
	divu	s7, s8, s9
	rem	s10, s11, t3
	remu	t4, t5, t6
	lr.w	a0, (a1)
	lr.w.aq	a0, (a1)
	lr.w.rl	a0, (a1)
	lr.w.aqrl	a0, (a1)
	sc.w	a0, a2, (a1)
	sc.w.aq	a0, a2, (a1)
	sc.w.rl	a0, a2, (a1)
	sc.w.aqrl	a0, a2, (a1)
	.irp	op, amoswap.w, amoadd.w, amoxor.w, amoand.w, amoor.w, amomin.w, amomax.w, amominu.w, amomaxu.w
	\op	t0, t1, (t2)
	\op\().aq	t0, t1, (sp)
	\op\().rl	zero, t1, (t2)
	\op\().aqrl	t0, zero, (t2)
	.endr
