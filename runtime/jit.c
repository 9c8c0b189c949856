/* jit.c - the CPU reference: the scheduled loop nest compiled for the
 * host with the LLVM C API and run through ORC LLJIT, as Halide does.
 *
 * The kernel is one function kernel(A, B, O) over the containers of the
 * element types.  Every loop of the nest becomes an LLVM loop in the same
 * order (spatial loops run serially), with its trip count cut short at
 * edge tiles exactly as loop_bound() says.  Accumulation wraps modulo the
 * output's container width; the output is reduced to its exact width
 * afterwards, which gives the same bits because 2^bits divides it.
 *
 * Built as the plugin libtessera-jit.so (see jitload.c).
 */
#include "../ir/tessera.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include <string.h>
#include <time.h>

typedef struct Gen {
	const LoopNest *ln;
	LLVMContextRef cx;
	LLVMModuleRef m;
	LLVMBuilderRef b;
	LLVMValueRef fn;
	LLVMTypeRef i64, acc, elem[NTENSORS];
	LLVMValueRef ptr[NTENSORS];
	long lin[NTENSORS][NDIMS];
} Gen;

/* Values live at one depth of the nest. */
typedef struct State {
	LLVMValueRef gpartial[MAX_GUARDS];
	LLVMValueRef addr[NTENSORS];
} State;

static LLVMValueRef k64(Gen *g, long v)
{
	return LLVMConstInt(g->i64, (unsigned long long)v, 1);
}

static LLVMTypeRef int_type(Gen *g, ElemType t)
{
	return LLVMIntTypeInContext(g->cx, 8u * (unsigned)elem_container_bytes(t));
}

static LLVMValueRef to_acc(Gen *g, LLVMValueRef v, ElemType t)
{
	unsigned from = 8u * (unsigned)elem_container_bytes(t);
	unsigned to = LLVMGetIntTypeWidth(g->acc);
	if (from == to)
		return v;
	if (from > to)
		return LLVMBuildTrunc(g->b, v, g->acc, "");
	return t.is_signed ? LLVMBuildSExt(g->b, v, g->acc, "")
	                   : LLVMBuildZExt(g->b, v, g->acc, "");
}

static LLVMValueRef load(Gen *g, int t, LLVMValueRef addr)
{
	LLVMValueRef p = LLVMBuildInBoundsGEP2(g->b, g->elem[t], g->ptr[t],
	                                       &addr, 1, "");
	return LLVMBuildLoad2(g->b, g->elem[t], p, "");
}

/* The statement: O[addr] += A[addr] * B[addr]. */
static void emit_body(Gen *g, const State *s)
{
	const Layer *l = g->ln->layer;
	LLVMValueRef a = to_acc(g, load(g, T_A, s->addr[T_A]), l->t[T_A].type);
	LLVMValueRef b = to_acc(g, load(g, T_B, s->addr[T_B]), l->t[T_B].type);
	LLVMValueRef op = LLVMBuildInBoundsGEP2(g->b, g->elem[T_OUT],
	                                        g->ptr[T_OUT], (LLVMValueRef[]){
	                                        s->addr[T_OUT]}, 1, "");
	LLVMValueRef o = LLVMBuildLoad2(g->b, g->acc, op, "");
	LLVMValueRef sum = LLVMBuildAdd(g->b, o, LLVMBuildMul(g->b, a, b, ""), "");
	LLVMBuildStore(g->b, sum, op);
}

/* The trip count of loop i given the enclosing guard partial sums. */
static LLVMValueRef emit_bound(Gen *g, int i, const State *s)
{
	const Loop *l = &g->ln->loop[i];
	LLVMValueRef bound = k64(g, l->extent);
	if (!l->edge)
		return bound;
	const Part *p = &l->part[0];
	for (int k = 0; k < p->nguards; k++) {
		const Guard *gd = &g->ln->guard[p->guard[k]];
		LLVMValueRef room = LLVMBuildSub(g->b, k64(g, gd->limit - 1),
		                                 s->gpartial[p->guard[k]], "");
		LLVMValueRef q = LLVMBuildAdd(g->b, LLVMBuildSDiv(g->b, room,
		                              k64(g, p->gstride[k]), ""),
		                              k64(g, 1), "");
		LLVMValueRef pos = LLVMBuildICmp(g->b, LLVMIntSGE, room, k64(g, 0),
		                                 "");
		LLVMValueRef b = LLVMBuildSelect(g->b, pos, q, k64(g, 0), "");
		LLVMValueRef lt = LLVMBuildICmp(g->b, LLVMIntSLT, b, bound, "");
		bound = LLVMBuildSelect(g->b, lt, b, bound, "");
	}
	return bound;
}

/* Adds the contribution of loop i's counter c to the state. */
static void advance_state(Gen *g, int i, LLVMValueRef c, State *s)
{
	const Loop *l = &g->ln->loop[i];
	long div = 1;
	for (int p = 0; p < l->nparts; p++) {
		const Part *pt = &l->part[p];
		LLVMValueRef v = c;
		if (l->nparts > 1) {
			v = LLVMBuildUDiv(g->b, c, k64(g, div), "");
			v = LLVMBuildURem(g->b, v, k64(g, pt->extent), "");
		}
		div *= pt->extent;
		for (int k = 0; k < pt->nguards; k++) {
			int gi = pt->guard[k];
			s->gpartial[gi] = LLVMBuildAdd(g->b, s->gpartial[gi],
			                               LLVMBuildMul(g->b, v,
			                               k64(g, pt->gstride[k]), ""), "");
		}
		for (int t = 0; t < NTENSORS; t++) {
			long step = g->lin[t][pt->dim] * pt->stride;
			if (step)
				s->addr[t] = LLVMBuildAdd(g->b, s->addr[t],
				                          LLVMBuildMul(g->b, v, k64(g, step),
				                                       ""), "");
		}
	}
}

static void emit_loop(Gen *g, int i, const State *outer)
{
	if (i == g->ln->nloops) {
		emit_body(g, outer);
		return;
	}
	LLVMValueRef bound = emit_bound(g, i, outer);
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(g->b);
	LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(g->cx, g->fn, "");
	LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(g->cx, g->fn, "");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSGT, bound, k64(g, 0),
	                                    ""), head, exit);
	LLVMPositionBuilderAtEnd(g->b, head);
	LLVMValueRef c = LLVMBuildPhi(g->b, g->i64, g->ln->loop[i].name);
	State s = *outer;
	advance_state(g, i, c, &s);
	emit_loop(g, i + 1, &s);
	LLVMValueRef next = LLVMBuildAdd(g->b, c, k64(g, 1), "");
	LLVMBasicBlockRef latch = LLVMGetInsertBlock(g->b);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, next, bound, ""),
	                head, exit);
	LLVMValueRef zero = k64(g, 0);
	LLVMAddIncoming(c, &zero, &pre, 1);
	LLVMAddIncoming(c, &next, &latch, 1);
	LLVMPositionBuilderAtEnd(g->b, exit);
}

static void build_kernel(Gen *g)
{
	const Layer *l = g->ln->layer;
	g->i64 = LLVMInt64TypeInContext(g->cx);
	g->acc = int_type(g, l->t[T_OUT].type);
	LLVMTypeRef params[NTENSORS];
	for (int t = 0; t < NTENSORS; t++) {
		g->elem[t] = int_type(g, l->t[t].type);
		params[t] = LLVMPointerType(g->elem[t], 0);
	}
	LLVMTypeRef fty = LLVMFunctionType(LLVMVoidTypeInContext(g->cx),
	                                   (LLVMTypeRef[]){params[T_A],
	                                   params[T_B], params[T_OUT]}, 3, 0);
	g->fn = LLVMAddFunction(g->m, "kernel", fty);
	unsigned noalias = LLVMGetEnumAttributeKindForName("noalias", 7);
	for (unsigned k = 1; k <= 3; k++)
		LLVMAddAttributeAtIndex(g->fn, k, LLVMCreateEnumAttribute(g->cx,
		                                                         noalias, 0));
	g->ptr[T_A] = LLVMGetParam(g->fn, 0);
	g->ptr[T_B] = LLVMGetParam(g->fn, 1);
	g->ptr[T_OUT] = LLVMGetParam(g->fn, 2);
	g->b = LLVMCreateBuilderInContext(g->cx);
	LLVMPositionBuilderAtEnd(g->b, LLVMAppendBasicBlockInContext(g->cx,
	                                                             g->fn, ""));
	State s;
	for (int k = 0; k < g->ln->nguards; k++)
		s.gpartial[k] = k64(g, 0);
	for (int t = 0; t < NTENSORS; t++) {
		long base;
		tensor_linear(&l->t[t], g->lin[t], &base);
		s.addr[t] = k64(g, base);
	}
	emit_loop(g, 0, &s);
	LLVMBuildRetVoid(g->b);
	LLVMDisposeBuilder(g->b);
}

static int take_error(LLVMErrorRef e, const char *what, char *err,
                     size_t errlen)
{
	if (!e)
		return 1;
	char *msg = LLVMGetErrorMessage(e);
	snprintf(err, errlen, "LLVM %s failed: %s", what, msg);
	LLVMDisposeErrorMessage(msg);
	return 0;
}

/* Optimizes the module at -O2 for the host CPU. */
static int optimize(LLVMModuleRef m, const char *triple, char *err,
                    size_t errlen)
{
	LLVMTargetRef target;
	char *msg = NULL;
	if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
		snprintf(err, errlen, "LLVM has no target for %s: %s", triple, msg);
		LLVMDisposeMessage(msg);
		return 0;
	}
	char *cpu = LLVMGetHostCPUName(), *feat = LLVMGetHostCPUFeatures();
	LLVMTargetMachineRef tm = LLVMCreateTargetMachine(target, triple, cpu,
	                                                  feat,
	                                                  LLVMCodeGenLevelAggressive,
	                                                  LLVMRelocDefault,
	                                                  LLVMCodeModelJITDefault);
	LLVMDisposeMessage(cpu);
	LLVMDisposeMessage(feat);
	LLVMPassBuilderOptionsRef opt = LLVMCreatePassBuilderOptions();
	int ok = take_error(LLVMRunPasses(m, "default<O2>", tm, opt),
	                    "optimization", err, errlen);
	LLVMDisposePassBuilderOptions(opt);
	LLVMDisposeTargetMachine(tm);
	return ok;
}

typedef void (*KernelFn)(void *a, void *b, void *o);

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int jit_plugin_run(const LoopNest *ln, Buf *bufs, char *err, size_t errlen,
                   JitTimes *times);

/* The plugin's one entry point (see runtime/jitload.c). */
int jit_plugin_run(const LoopNest *ln, Buf *bufs, char *err, size_t errlen,
                   JitTimes *times)
{
	double t0 = seconds();
	LLVMInitializeNativeTarget();
	LLVMInitializeNativeAsmPrinter();
	LLVMOrcLLJITRef jit;
	if (!take_error(LLVMOrcCreateLLJIT(&jit, NULL), "JIT creation", err,
	                errlen))
		return 0;
	LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
	Gen g = {.ln = ln};
	g.cx = LLVMOrcThreadSafeContextGetContext(tsc);
	g.m = LLVMModuleCreateWithNameInContext("tessera", g.cx);
	const char *triple = LLVMOrcLLJITGetTripleString(jit);
	LLVMSetTarget(g.m, triple);
	LLVMSetDataLayout(g.m, LLVMOrcLLJITGetDataLayoutStr(jit));
	build_kernel(&g);
	char *msg = NULL;
	if (LLVMVerifyModule(g.m, LLVMReturnStatusAction, &msg))
		INTERNAL("generated LLVM IR is invalid: %s", msg);
	LLVMDisposeMessage(msg);
	int ok = optimize(g.m, triple, err, errlen);
	LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(g.m,
	                                                                  tsc);
	LLVMOrcDisposeThreadSafeContext(tsc);
	LLVMOrcJITTargetAddress addr = 0;
	ok = ok && take_error(LLVMOrcLLJITAddLLVMIRModule(jit,
	                      LLVMOrcLLJITGetMainJITDylib(jit), tsm),
	                      "adding the module", err, errlen);
	if (!ok)
		LLVMOrcDisposeThreadSafeModule(tsm);
	ok = ok && take_error(LLVMOrcLLJITLookup(jit, &addr, "kernel"),
	                      "code generation", err, errlen);
	times->compile = seconds() - t0;
	if (ok) {
		KernelFn fn = (KernelFn)(uintptr_t)addr;
		t0 = seconds();
		fn(bufs[T_A].data, bufs[T_B].data, bufs[T_OUT].data);
		times->kernel = seconds() - t0;
		for (long i = 0; i < bufs[T_OUT].count; i++)
			buf_set(&bufs[T_OUT], i, buf_get(&bufs[T_OUT], i));
	}
	LLVMOrcDisposeLLJIT(jit);
	return ok;
}
