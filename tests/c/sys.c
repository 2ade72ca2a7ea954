/* Minimal Linux system-call layer for the differential test programs: the raw syscalls, a
 * picolibc stdio stream for stdout/stderr/stdin on top of write/read, sbrk on brk, and the
 * C-level entry that runs main and exits through exit_group.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#define SYS_read 63
#define SYS_write 64
#define SYS_exit 93
#define SYS_exit_group 94
#define SYS_brk 214

long snowrv_syscall(long n, long a0, long a1, long a2)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a7 __asm__("a7") = n;
	__asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a7) : "memory");
	return r_a0;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return snowrv_syscall(SYS_write, fd, (long)buf, (long)len);
}

ssize_t read(int fd, void *buf, size_t len)
{
	return snowrv_syscall(SYS_read, fd, (long)buf, (long)len);
}

void _exit(int code)
{
	for (;;)
		snowrv_syscall(SYS_exit_group, code, 0, 0);
}

/* A buffered stream per fd: flushed on newline, when full, and at exit. */
struct out_buf {
	int fd;
	int len;
	char data[128];
};

static struct out_buf out_bufs[2] = { { 1, 0, { 0 } }, { 2, 0, { 0 } } };

static int flush_buf(struct out_buf *b)
{
	int off = 0;
	while (off < b->len) {
		ssize_t n = write(b->fd, b->data + off, b->len - off);
		if (n <= 0)
			return EOF;
		off += n;
	}
	b->len = 0;
	return 0;
}

static int put_buf(struct out_buf *b, char c)
{
	b->data[b->len++] = c;
	if (c == '\n' || b->len == (int)sizeof b->data)
		return flush_buf(b) == 0 ? (unsigned char)c : EOF;
	return (unsigned char)c;
}

static int stdout_put(char c, FILE *f) { (void)f; return put_buf(&out_bufs[0], c); }
static int stderr_put(char c, FILE *f) { (void)f; return put_buf(&out_bufs[1], c); }
static int stdout_flush(FILE *f) { (void)f; return flush_buf(&out_bufs[0]); }
static int stderr_flush(FILE *f) { (void)f; return flush_buf(&out_bufs[1]); }

static int stdin_get(FILE *f)
{
	unsigned char c;
	(void)f;
	return read(0, &c, 1) == 1 ? c : EOF;
}

static FILE snowrv_stdout = FDEV_SETUP_STREAM(stdout_put, NULL, stdout_flush, _FDEV_SETUP_WRITE);
static FILE snowrv_stderr = FDEV_SETUP_STREAM(stderr_put, NULL, stderr_flush, _FDEV_SETUP_WRITE);
static FILE snowrv_stdin = FDEV_SETUP_STREAM(NULL, stdin_get, NULL, _FDEV_SETUP_READ);
FILE *const stdout = &snowrv_stdout;
FILE *const stderr = &snowrv_stderr;
FILE *const stdin = &snowrv_stdin;

/* The program break, from the kernel's brk. */
void *sbrk(ptrdiff_t incr)
{
	static uintptr_t cur;
	if (cur == 0)
		cur = (uintptr_t)snowrv_syscall(SYS_brk, 0, 0, 0);
	uintptr_t want = cur + incr;
	uintptr_t got = (uintptr_t)snowrv_syscall(SYS_brk, (long)want, 0, 0);
	if (got != want)
		return (void *)-1;
	uintptr_t old = cur;
	cur = got;
	return (void *)old;
}

char **environ;
int main(int argc, char **argv);

void __snowrv_main(int argc, char **argv, char **envp)
{
	environ = envp;
	int code = main(argc, argv);
	flush_buf(&out_bufs[0]);
	flush_buf(&out_bufs[1]);
	_exit(code);
}
