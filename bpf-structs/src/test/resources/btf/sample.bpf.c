/* Source of sample.btf: the .BTF section clang emits for this file.
 * Regenerate (see SOURCES.md):
 *   clang -O2 -g -target bpf -c sample.bpf.c -o /tmp/sample.o
 *   llvm-objcopy --dump-section .BTF=sample.btf /tmp/sample.o
 *   bpftool btf dump file sample.btf format raw > sample.btf.txt
 */
#define __user __attribute__((btf_type_tag("user")))
#define __tag(x) __attribute__((btf_decl_tag(x)))

typedef int pid_t;
typedef unsigned long long u64;

struct task_struct;
struct only_declared;

enum state { RUNNING = 0, SLEEPING = 1, DEAD = -1 };

struct flags {
	unsigned int ready : 1;
	unsigned int mode : 3;
	unsigned int pad : 28;
	unsigned char tail;
};

struct task_struct {
	volatile long state;
	pid_t pid;
	pid_t tgid;
	union {
		unsigned int flags_word;
		struct flags flags;
	};
	struct {
		u64 start_time;
		u64 end_time;
	};
	struct task_struct *real_parent;
	const char *name;
	char comm[16];
	enum state st;
	float load;
	char __user *user_buf;
	struct task_struct *restrict self;
	void (*callback)(struct task_struct *, int);
	struct only_declared *opaque;
} __tag("sample_struct");

struct task_struct sample_task __attribute__((section(".data")));
int counter __attribute__((section(".bss")));

__attribute__((noinline)) __tag("sample_func")
int read_task(struct task_struct *task, const char *filename, int flags __tag("arg"))
{
	return task->tgid + task->real_parent->tgid + filename[0] + flags + counter;
}

int entry(void *ctx)
{
	return read_task(&sample_task, "x", 1);
}
