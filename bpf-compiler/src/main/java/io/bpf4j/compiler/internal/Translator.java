package io.bpf4j.compiler.internal;

import io.bpf4j.compiler.CompileException;
import io.bpf4j.compiler.LongArrayMap;
import io.bpf4j.compiler.LongHashMap;
import io.bpf4j.compiler.MapDef;
import io.bpf4j.compiler.MapField;
import io.bpf4j.compiler.ProgramKind;
import io.bpf4j.compiler.PtRegs;
import io.bpf4j.compiler.RawContext;
import io.bpf4j.compiler.RingBuffer;
import io.bpf4j.compiler.SyscallContext;
import io.bpf4j.compiler.TracepointContext;
import io.bpf4j.compiler.XdpContext;
import io.bpf4j.compiler.internal.Ir.Op;
import io.bpf4j.compiler.internal.Ir.Opnd;
import io.bpf4j.compiler.internal.Vals.Cmp;
import io.bpf4j.compiler.internal.Vals.Ctx;
import io.bpf4j.compiler.internal.Vals.Imm;
import io.bpf4j.compiler.internal.Vals.MapObj;
import io.bpf4j.compiler.internal.Vals.Obj;
import io.bpf4j.compiler.internal.Vals.PendingBytes;
import io.bpf4j.compiler.internal.Vals.PendingNew;
import io.bpf4j.compiler.internal.Vals.ResObj;
import io.bpf4j.compiler.internal.Vals.StackObj;
import io.bpf4j.compiler.internal.Vals.Val;
import io.bpf4j.compiler.internal.Vals.Vr;
import io.bpf4j.core.AluOp;
import io.bpf4j.core.Helper;
import io.bpf4j.core.JumpOp;
import io.bpf4j.core.Reg;
import io.bpf4j.core.Size;
import io.bpf4j.core.arch.Architecture;
import io.bpf4j.structs.Field;
import io.bpf4j.structs.StructLayout;
import io.bpf4j.structs.btf.Btf;
import io.bpf4j.structs.btf.FieldPath;
import io.bpf4j.structs.btf.FieldPathReads;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Translates a static method's bytecode into {@link Ir} in one pass, inlining the static methods
 * it calls. The JVM operand stack is kept symbolically: constants are folded, locals are referred
 * to rather than copied, and only at a branch are stack values given their canonical registers.
 * Intrinsics ({@code Bpf}, map fields, contexts, records, {@code Integer}/{@code Long} unsigned
 * operations) become helper calls and loads; everything else the target cannot do is refused
 * with the file and line.
 */
public final class Translator {
    private static final String PKG = "io/bpf4j/compiler/";
    private static final int MAX_INLINE_DEPTH = 8;
    private static final int MAX_STACK = 512;
    private static final java.util.Set<String> INTRINSICS = java.util.Set.of("Bpf", "LongHashMap", "LongArrayMap", "RingBuffer", "Reservation",
            "PtRegs", "RawContext", "SyscallContext", "TracepointContext", "XdpContext");

    /** What a translation produced. */
    public record Result(ProgramKind kind, List<io.bpf4j.core.Instruction> instructions, List<Integer> lines,
                         List<io.bpf4j.core.SourcePosition> positions, List<MapDef> maps, String sourceFile, int stackBytes) {
    }

    private final Class<?> root;
    private final Supplier<Btf> btf;
    private final Supplier<Architecture> arch;
    private final Ir ir = new Ir();
    private final Map<String, MapDef> maps = new LinkedHashMap<>();
    private final Map<String, ClassNode> classes = new HashMap<>();
    private int frame;
    private int labelCount;
    /** Per IR label, the packet bytes known present on every jump to it so far. */
    private final Map<String, Long> edgeChecked = new HashMap<>();
    /** Upper bounds of non-negative values (temporaries and locals stored once). */
    private final Map<Integer, Long> maxOf = new HashMap<>();
    /** Values that are another value plus a constant: vreg -> {base vreg, constant}. */
    private final Map<Integer, long[]> affine = new HashMap<>();
    /** Temporaries known to hold a value below 2^32 (a cast to int needs no instruction). */
    private final java.util.BitSet fitsU32 = new java.util.BitSet();
    private int scratchKey;
    private int scratchValue;
    private Ctx ctx;
    private ProgramKind kind;
    private String abortLabel;
    private String packetLabel;
    private long checkedPacketEnd = -1;
    private final List<String> inlining = new ArrayList<>();
    /** Per reservation, what the current path knows (see RefSt). */
    private Map<ResObj, RefSt> refs = new IdentityHashMap<>();
    /** Per Java label not yet placed, what the jumps to it know, merged. */
    private final Map<String, Map<ResObj, RefSt>> edgeRefs = new HashMap<>();
    /** Per Java label placed, what was known there (checked against jumps back to it). */
    private final Map<String, Map<ResObj, RefSt>> placedRefs = new HashMap<>();
    /** Early ends with reservations to discard first: {label, target, reservations, maybe-null flags, line, pos}. */
    private final List<Object[]> abortStubs = new ArrayList<>();

    /** True when cpu v4 instructions may be emitted (Target.CPU_V4). */
    private final boolean v4;

    public Translator(Class<?> root, Supplier<Btf> btf, Supplier<Architecture> arch, boolean v4) {
        this.root = root;
        this.btf = btf;
        this.arch = arch;
        this.v4 = v4;
        this.callback = false;
        this.labelPrefix = "";
    }

    private Translator(Translator parent, String labelPrefix) {
        this.root = parent.root;
        this.btf = parent.btf;
        this.arch = parent.arch;
        this.v4 = parent.v4;
        this.callback = true;
        this.labelPrefix = labelPrefix;
        this.maps.putAll(parent.maps);
    }

    /** True when translating a bpf_loop body (a subprogram: index in r1, the state in r2). */
    private final boolean callback;
    private final String labelPrefix;
    /** bpf_loop bodies to compile after this function: {label, FuncRef, state length, line}. */
    private final List<Object[]> callbacks = new ArrayList<>();

    /** Translates a bpf_loop body {@code static boolean step(int index, long[] state)} as a subprogram. */
    private Backend.Result translateBody(Vals.FuncRef f, int stateLength) {
        ClassNode cls = classNode(f.owner, null);
        MethodNode m = findMethod(cls, f.name, f.desc, null);
        Scope s = new Scope(cls, m, true);
        s.line = firstLine(m);
        at(s);
        int index = ir.newVreg();
        ir.mov(index, Opnd.ctx(), true);
        int state = ir.newVreg();
        ir.mov(state, Opnd.arg2(), true);
        s.localV.put(0, index);
        s.localObj.put(1, new Obj(new StackObj(0, stateLength * 8, null, null, 8, stateLength, state)));
        abortLabel = newLabel("abort");
        inlining.add(cls.name + "." + m.name + m.desc);
        body(s);
        for (Op op : ir.ops) {
            if (abortLabel.equals(op.label)) {
                ir.label(abortLabel);
                ir.ret(Opnd.imm(1));                       // out of bounds: stop the loop
                break;
            }
        }
        return new Backend(ir).run(frame);
    }

    /** Per method being translated (the root or an inlined callee). */
    private final class Scope {
        final ClassNode cls;
        final MethodNode m;
        final Map<Integer, Integer> localV = new HashMap<>();
        final Map<Integer, Val> localObj = new HashMap<>();
        final Map<Integer, String> localPtr = new HashMap<>();
        final Map<Integer, Boolean> localWide = new HashMap<>();
        final Map<LabelNode, String> labels = new IdentityHashMap<>();
        final Map<Integer, Integer> stores = new HashMap<>();
        /** Locals stored once, with a constant: read as the constant. */
        final Map<Integer, Imm> localConst = new HashMap<>();
        final Map<LabelNode, List<Val>> shapes = new IdentityHashMap<>();
        final List<Integer> stackV = new ArrayList<>();
        final ArrayList<Val> stack = new ArrayList<>();
        final boolean isRoot;
        String retLabel;
        int retV = -1;
        boolean retWide;
        Val retObj;
        int line;

        Scope(ClassNode cls, MethodNode m, boolean isRoot) {
            this.cls = cls;
            this.m = m;
            this.isRoot = isRoot;
        }

        int local(int slot) {
            return localV.computeIfAbsent(slot, s -> ir.newVreg());
        }

        String label(LabelNode l) {
            return labels.computeIfAbsent(l, x -> newLabel("L"));
        }

        int canonical(int depth) {
            while (stackV.size() <= depth) {
                stackV.add(ir.newVreg());
            }
            return stackV.get(depth);
        }

        CompileException error(String construct, String reason) {
            return new CompileException(cls.sourceFile, line, construct, reason);
        }

        Val pop() {
            return stack.remove(stack.size() - 1);
        }

        void push(Val v) {
            stack.add(v);
        }

        Val peek() {
            return stack.get(stack.size() - 1);
        }
    }

    private String newLabel(String prefix) {
        return labelPrefix + prefix + (labelCount++);
    }

    // ---- entry ------------------------------------------------------------------------------------

    public Result translate(String methodName) {
        ClassNode cls = classNode(root.getName().replace('.', '/'), null);
        MethodNode m = findMethod(cls, methodName, null, null);
        if ((m.access & Opcodes.ACC_STATIC) == 0) {
            throw new CompileException(cls.sourceFile, firstLine(m), "instance method " + methodName,
                    "BPF programs are static methods: declare it static");
        }
        Type[] params = Type.getArgumentTypes(m.desc);
        if (params.length != 1) {
            throw new CompileException(cls.sourceFile, firstLine(m), "method " + methodName + m.desc,
                    "a BPF program takes exactly one parameter, its context (XdpContext, PtRegs, TracepointContext or SyscallContext)");
        }
        Class<?> ctxType = contextType(params[0], cls, m);
        Type ret = Type.getReturnType(m.desc);
        if (ret.getSort() != Type.INT && ret.getSort() != Type.LONG) {
            throw new CompileException(cls.sourceFile, firstLine(m), "return type " + ret.getClassName(),
                    "a BPF program returns int (or long): the verdict or 0");
        }
        Scope s = new Scope(cls, m, true);
        s.line = firstLine(m);
        at(s);
        int cv = ir.newVreg();
        ctx = new Ctx(ctxType, cv);
        ir.mov(cv, Opnd.ctx(), true);
        s.localObj.put(0, new Obj(ctx));
        abortLabel = newLabel("abort");
        if (kind == ProgramKind.XDP) {
            ctx.data = ir.newVreg();
            ctx.end = ir.newVreg();
            ir.ld(Size.W, ctx.data, Opnd.v(cv), 0);
            ir.ld(Size.W, ctx.end, Opnd.v(cv), 4);
        }
        inlining.add(cls.name + "." + m.name + m.desc);
        body(s);
        emitAbortStubs();
        boolean aborts = false;
        for (Op op : ir.ops) {
            if (abortLabel.equals(op.label) || (packetLabel != null && packetLabel.equals(op.label))) {
                aborts = true;
            }
        }
        if (aborts) {
            ir.label(abortLabel);
            if (packetLabel != null) {
                ir.label(packetLabel);
            }
            ir.ret(Opnd.imm(kind == ProgramKind.XDP ? XdpContext.XDP_PASS : 0));
        }
        Backend.Result main = new Backend(ir).run(frame);
        Backend.Result r = withCallbacks(main, cls, m);
        if (r.stackBytes() > MAX_STACK) {
            throw new CompileException(cls.sourceFile, firstLine(m), "method " + methodName,
                    "needs " + r.stackBytes() + " bytes of BPF stack (records, arrays, map keys and " + (r.stackBytes() - frame)
                            + " bytes of spilled values): the kernel allows " + MAX_STACK
                            + "; make records or arrays smaller or use fewer values at once");
        }
        return new Result(kind, r.instructions(), r.lines(), r.positions(), new ArrayList<>(maps.values()), cls.sourceFile,
                r.stackBytes());
    }

    /** Appends each bpf_loop body as a subprogram after the program's exit; stack depth is their sum. */
    private Backend.Result withCallbacks(Backend.Result main, ClassNode cls, MethodNode m) {
        if (callbacks.isEmpty()) {
            return main;
        }
        List<io.bpf4j.core.Instruction> insns = new ArrayList<>(main.instructions());
        List<Integer> lines = new ArrayList<>(main.lines());
        List<io.bpf4j.core.SourcePosition> positions = new ArrayList<>(main.positions());
        int deepest = 0;
        for (Object[] c : callbacks) {
            String label = (String) c[0];
            Translator body = new Translator(this, label + "_");
            Backend.Result b = body.translateBody((Vals.FuncRef) c[1], (Integer) c[2]);
            maps.putAll(body.maps);
            insns.add(new io.bpf4j.core.Label(label));
            lines.add((Integer) c[3]);
            positions.add(b.positions().isEmpty() ? null : b.positions().get(0));
            insns.addAll(b.instructions());
            lines.addAll(b.lines());
            positions.addAll(b.positions());
            deepest = Math.max(deepest, b.stackBytes());
        }
        return new Backend.Result(insns, lines, positions, main.stackBytes() + deepest);
    }

    private Class<?> contextType(Type t, ClassNode cls, MethodNode m) {
        String n = t.getInternalName();
        if (n.equals(PKG + "XdpContext")) {
            kind = ProgramKind.XDP;
            return XdpContext.class;
        }
        if (n.equals(PKG + "PtRegs")) {
            kind = ProgramKind.KPROBE;
            return PtRegs.class;
        }
        if (n.equals(PKG + "TracepointContext")) {
            kind = ProgramKind.TRACEPOINT;
            return TracepointContext.class;
        }
        if (n.equals(PKG + "SyscallContext")) {
            kind = ProgramKind.SYSCALL;
            return SyscallContext.class;
        }
        throw new CompileException(cls.sourceFile, firstLine(m), "context parameter " + t.getClassName(),
                "expected XdpContext, PtRegs, TracepointContext or SyscallContext (the parameter picks the program type)");
    }

    private static int firstLine(MethodNode m) {
        for (AbstractInsnNode n : m.instructions) {
            if (n instanceof LineNumberNode) {
                return ((LineNumberNode) n).line;
            }
        }
        return -1;
    }

    // ---- class files ------------------------------------------------------------------------------

    private ClassNode classNode(String internalName, Scope from) {
        ClassNode cached = classes.get(internalName);
        if (cached != null) {
            return cached;
        }
        Class<?> c;
        try {
            c = Class.forName(internalName.replace('/', '.'), false, root.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw fail(from, "class " + internalName.replace('/', '.'), "not found by " + root.getName() + "'s class loader");
        }
        String simple = internalName.substring(internalName.lastIndexOf('/') + 1) + ".class";
        try (InputStream in = c.getResourceAsStream(simple)) {
            if (in == null) {
                throw fail(from, "class " + c.getName(), "its class file is not readable: the compiler reads bytecode from the class path");
            }
            ClassNode node = new ClassNode();
            new ClassReader(in).accept(node, ClassReader.SKIP_FRAMES);
            classes.put(internalName, node);
            return node;
        } catch (IOException e) {
            throw fail(from, "class " + c.getName(), "reading its class file failed: " + e.getMessage());
        }
    }

    private static CompileException fail(Scope s, String construct, String reason) {
        return s == null ? new CompileException(null, -1, construct, reason) : s.error(construct, reason);
    }

    private MethodNode findMethod(ClassNode cls, String name, String desc, Scope from) {
        MethodNode found = null;
        for (MethodNode m : cls.methods) {
            if (m.name.equals(name) && (desc == null || m.desc.equals(desc))) {
                if (found != null && desc == null) {
                    throw fail(from, "method " + name, "overloaded in " + cls.name.replace('/', '.') + ": give BPF programs unique names");
                }
                found = m;
            }
        }
        if (found == null) {
            throw fail(from, "method " + name, "no such method in " + cls.name.replace('/', '.'));
        }
        return found;
    }

    // ---- the body ----------------------------------------------------------------------------------

    private void body(Scope s) {
        MethodNode m = s.m;
        for (AbstractInsnNode n : m.instructions) {
            if (n.getOpcode() == Opcodes.MONITORENTER) {
                throw new CompileException(s.cls.sourceFile, lineOf(n), "synchronized",
                        "BPF programs cannot take monitors: use the maps' atomic add");
            }
        }
        if (!m.tryCatchBlocks.isEmpty()) {
            throw new CompileException(s.cls.sourceFile, lineOf(m.tryCatchBlocks.get(0).start.getNext()), "try/catch in " + m.name,
                    "exceptions do not exist in BPF programs: check values with if instead");
        }
        if ((m.access & Opcodes.ACC_SYNCHRONIZED) != 0) {
            throw s.error("synchronized method " + m.name, "BPF programs cannot take monitors: use the maps' atomic add");
        }
        checkLoops(s);
        java.util.Set<LabelNode> backwardTargets = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        {
            java.util.Set<LabelNode> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (AbstractInsnNode n : m.instructions) {
                if (n instanceof LabelNode) {
                    seen.add((LabelNode) n);
                } else if (n instanceof JumpInsnNode && seen.contains(((JumpInsnNode) n).label)) {
                    backwardTargets.add(((JumpInsnNode) n).label);
                }
            }
        }
        if (s.stores.isEmpty()) {
            countStores(s);
        }
        boolean reachable = true;
        for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) {
            if (n instanceof LineNumberNode) {
                s.line = ((LineNumberNode) n).line;
                at(s);
                continue;
            }
            if (n instanceof LabelNode) {
                LabelNode l = (LabelNode) n;
                boolean target = s.labels.containsKey(l) || isJumpTarget(m, l);
                if (target) {
                    boolean backward = backwardTargets.contains(l);
                    if (!reachable && !s.shapes.containsKey(l) && !backward) {
                        continue;                          // nothing jumps here: dead code follows
                    }
                    if (reachable && s.isRoot && s.stack.size() == 1 && returnsTop(l)) {
                        // "return c ? a : b": each arm returns at once instead of meeting here.
                        checkReturn(s);
                        ir.ret(opnd(s.pop()));
                        reachable = false;
                        if (!s.shapes.containsKey(l)) {
                            continue;
                        }
                    }
                    long in = edgeChecked.getOrDefault(s.label(l), Long.MAX_VALUE);
                    if (reachable) {
                        normalize(s, l);
                        in = Math.min(in, checkedPacketEnd);
                    } else {
                        s.stack.clear();
                        List<Val> shape = s.shapes.get(l);
                        if (shape != null) {
                            s.stack.addAll(shape);
                        }
                    }
                    Map<ResObj, RefSt> jumped = edgeRefs.remove(s.label(l));
                    if (jumped != null) {
                        refs = reachable ? RefSt.merge(refs, jumped) : jumped;
                    }
                    placedRefs.put(s.label(l), RefSt.copy(refs));
                    ir.label(s.label(l));
                    checkedPacketEnd = backward || in == Long.MAX_VALUE ? -1 : in;
                    reachable = true;
                }
                continue;
            }
            if (n.getOpcode() < 0) {
                continue;
            }
            if (!reachable) {
                continue;
            }
            reachable = insn(s, n);
        }
    }

    /** Instructions emitted from now on come from {@code s}'s current line. */
    private void at(Scope s) {
        ir.line = s.line;
        ir.pos = new io.bpf4j.core.SourcePosition(s.cls.name.replace('/', '.'), s.m.name, s.cls.sourceFile, s.line);
    }

    /** True if the first instruction after {@code l} returns the value on top of the stack. */
    private static boolean returnsTop(LabelNode l) {
        AbstractInsnNode n = l.getNext();
        while (n != null && n.getOpcode() < 0) {
            n = n.getNext();
        }
        return n != null && (n.getOpcode() == Opcodes.IRETURN || n.getOpcode() == Opcodes.LRETURN);
    }

    /** Notes that a jump to {@code label} is taken with packet bytes up to {@code checked} known present. */
    private void edge(Scope s, String label, long checked) {
        edgeChecked.merge(label, checked, Math::min);
        Map<ResObj, RefSt> placed = placedRefs.get(label);
        if (placed != null) {
            // A jump back to a loop's head: reservations must be open or closed there as they were on entry.
            java.util.Set<ResObj> all = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            all.addAll(placed.keySet());
            all.addAll(refs.keySet());
            for (ResObj r : all) {
                RefSt.S before = RefSt.state(placed.get(r));
                RefSt.S now = RefSt.state(refs.get(r));
                if (before != now) {
                    throw s.error("loop with a reservation", r.where() + " is " + RefSt.describe(placed.get(r))
                            + " where the loop starts and " + RefSt.describe(refs.get(r)) + " where it jumps back:"
                            + " reserve and submit (or discard) it within one iteration, or outside the loop");
                }
            }
            return;
        }
        edgeRefs.merge(label, RefSt.copy(refs), RefSt::merge);
    }

    // ---- reservations: what each path knows -------------------------------------------------------

    /** What is known on one path about one reservation; the translator keeps a map per path. */
    private static final class RefSt {
        enum S { MAYBE_NULL, LIVE, CLOSED, MIXED }

        final S s;
        final java.util.BitSet set;
        /** CLOSED: "submitted at line 12", "null"; MIXED: which paths differ. */
        final String how;

        RefSt(S s, java.util.BitSet set, String how) {
            this.s = s;
            this.set = set;
            this.how = how;
        }

        static S state(RefSt r) {
            return r == null ? S.CLOSED : r.s;
        }

        static String describe(RefSt r) {
            if (r == null) {
                return "not reserved yet";
            }
            switch (r.s) {
                case MAYBE_NULL: return "not checked for null";
                case LIVE: return "open";
                case CLOSED: return r.how;
                default: return r.how;
            }
        }

        static Map<ResObj, RefSt> copy(Map<ResObj, RefSt> m) {
            Map<ResObj, RefSt> out = new IdentityHashMap<>();
            for (Map.Entry<ResObj, RefSt> e : m.entrySet()) {
                RefSt r = e.getValue();
                out.put(e.getKey(), new RefSt(r.s, (java.util.BitSet) r.set.clone(), r.how));
            }
            return out;
        }

        /** Two paths meet: the same state stays, fields count as set if set on both. */
        static Map<ResObj, RefSt> merge(Map<ResObj, RefSt> a, Map<ResObj, RefSt> b) {
            Map<ResObj, RefSt> out = new IdentityHashMap<>();
            java.util.Set<ResObj> keys = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            keys.addAll(a.keySet());
            keys.addAll(b.keySet());
            for (ResObj k : keys) {
                RefSt x = a.get(k);
                RefSt y = b.get(k);
                S sx = state(x);
                S sy = state(y);
                if (sx == sy && sx != S.MIXED) {
                    java.util.BitSet set = x == null ? new java.util.BitSet() : (java.util.BitSet) x.set.clone();
                    if (y != null) {
                        set.and(y.set);
                    } else {
                        set.clear();
                    }
                    String how = x == null ? y.how : y == null ? x.how : x.how.equals(y.how) ? x.how : x.how + " or " + y.how;
                    out.put(k, new RefSt(sx, set, how));
                } else {
                    out.put(k, new RefSt(S.MIXED, new java.util.BitSet(), describe(x) + " on one path and " + describe(y)
                            + " on another"));
                }
            }
            return out;
        }
    }

    /** Refuses to go on unless {@code r} is reserved, checked for null and not yet submitted or discarded. */
    private RefSt requireLive(Scope s, ResObj r, String what) {
        RefSt st = refs.get(r);
        RefSt.S state = RefSt.state(st);
        switch (state) {
            case LIVE:
                return st;
            case MAYBE_NULL:
                throw s.error(what, r.where() + " may be null here (the ring was full): check it first,"
                        + " e.g. if (e == null) return 0; — the verifier refuses a reservation used before its NULL check");
            case CLOSED:
                throw s.error(what, r.where() + " is " + RefSt.describe(st) + " here: reserve a new record instead"
                        + " — the verifier refuses a reservation used after submit or discard");
            default:
                throw s.error(what, r.where() + " is " + st.how + " at this line: submit or discard it on the"
                        + " paths that reserved it, and use it only where it is open");
        }
    }

    /** A return: every reservation must be closed (or null) on this path, or the verifier refuses the program. */
    private void checkReturn(Scope s) {
        for (Map.Entry<ResObj, RefSt> e : refs.entrySet()) {
            RefSt.S st = e.getValue().s;
            if (st == RefSt.S.CLOSED) {
                continue;
            }
            String state = st == RefSt.S.MAYBE_NULL ? "neither checked for null nor submitted"
                    : st == RefSt.S.LIVE ? "still open" : "still open on some paths (" + e.getValue().how + ")";
            throw s.error("return", e.getKey().where() + " is " + state + " when the program returns here:"
                    + " submit or discard it on every path before returning — the verifier refuses a program that"
                    + " can end holding a reservation");
        }
    }

    /**
     * The label a check that ends the program early (an array index, a packet's end) jumps to:
     * {@code base} itself, or a stub that first discards the reservations open here.
     */
    private String abortTarget(Scope s, String base) {
        List<ResObj> open = new ArrayList<>();
        List<Boolean> maybeNull = new ArrayList<>();
        for (Map.Entry<ResObj, RefSt> e : refs.entrySet()) {
            RefSt.S st = e.getValue().s;
            if (st == RefSt.S.MIXED) {
                throw s.error("a check that may end the program (array index or packet length)", e.getKey().where() + " is "
                        + e.getValue().how + " here, so the program could not release it if it ended at this line:"
                        + " submit or discard it first, or do this check before reserving");
            }
            if (st == RefSt.S.LIVE || st == RefSt.S.MAYBE_NULL) {
                open.add(e.getKey());
                maybeNull.add(st == RefSt.S.MAYBE_NULL);
            }
        }
        if (open.isEmpty()) {
            return base;
        }
        String stub = newLabel("release");
        abortStubs.add(new Object[] {stub, base, open, maybeNull, ir.line, ir.pos});
        return stub;
    }

    /** Emits the stubs of {@link #abortTarget}: discard what is open (if not null), then go to the early end. */
    @SuppressWarnings("unchecked")
    private void emitAbortStubs() {
        for (Object[] st : abortStubs) {
            ir.line = (Integer) st[4];
            ir.pos = (io.bpf4j.core.SourcePosition) st[5];
            ir.label((String) st[0]);
            List<ResObj> open = (List<ResObj>) st[2];
            List<Boolean> maybeNull = (List<Boolean>) st[3];
            for (int i = 0; i < open.size(); i++) {
                String next = newLabel("released");
                if (maybeNull.get(i)) {
                    ir.jmp(JumpOp.JEQ, true, Opnd.v(open.get(i).vreg), Opnd.imm(0), next);
                }
                ir.call(Helper.RINGBUF_DISCARD, -1, Opnd.v(open.get(i).vreg), Opnd.imm(0));
                ir.label(next);
            }
            ir.ja((String) st[1]);
        }
        abortStubs.clear();
    }

    /** Slots stored to at most once (and never incremented): their values' facts hold wherever they are read. */
    private void countStores(Scope s) {
        Map<Integer, Integer> stores = new HashMap<>();
        for (AbstractInsnNode n : s.m.instructions) {
            if (n instanceof VarInsnNode && n.getOpcode() >= Opcodes.ISTORE && n.getOpcode() <= Opcodes.ASTORE) {
                stores.merge(((VarInsnNode) n).var, 1, Integer::sum);
            } else if (n instanceof IincInsnNode) {
                stores.merge(((IincInsnNode) n).var, 2, Integer::sum);
            }
        }
        s.stores.putAll(stores);
    }

    /** The source line of the code {@code n} belongs to. */
    private static int lineOf(AbstractInsnNode n) {
        for (AbstractInsnNode p = n; p != null; p = p.getPrevious()) {
            if (p instanceof LineNumberNode) {
                return ((LineNumberNode) p).line;
            }
        }
        for (AbstractInsnNode p = n; p != null; p = p.getNext()) {
            if (p instanceof LineNumberNode) {
                return ((LineNumberNode) p).line;
            }
        }
        return -1;
    }

    private static boolean isJumpTarget(MethodNode m, LabelNode l) {
        for (AbstractInsnNode n : m.instructions) {
            if (n instanceof JumpInsnNode && ((JumpInsnNode) n).label == l) {
                return true;
            }
            if (n instanceof TableSwitchInsnNode) {
                TableSwitchInsnNode t = (TableSwitchInsnNode) n;
                if (t.dflt == l || t.labels.contains(l)) {
                    return true;
                }
            }
            if (n instanceof LookupSwitchInsnNode) {
                LookupSwitchInsnNode t = (LookupSwitchInsnNode) n;
                if (t.dflt == l || t.labels.contains(l)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Gives every stack value its canonical register before control reaches {@code target}. */
    private void normalize(Scope s, LabelNode target) {
        List<Val> shape = new ArrayList<>();
        for (int d = 0; d < s.stack.size(); d++) {
            Val v = s.stack.get(d);
            if (v instanceof Obj) {
                throw s.error("an object on the operand stack across a branch", "write the branch as an if statement that uses the object in each arm");
            }
            int cv = s.canonical(d);
            boolean wide = wide(v);
            if (!(v instanceof Vr && ((Vr) v).v == cv)) {
                ir.mov(cv, opnd(v), wide);
            }
            Vr nv = new Vr(cv, wide, false, v instanceof Vr ? ((Vr) v).ptr : null);
            s.stack.set(d, nv);
            shape.add(nv);
        }
        List<Val> old = s.shapes.put(target, shape);
        if (old != null && old.size() != shape.size()) {
            throw s.error("operand stack", "differs in depth between two paths (compiler bug?)");
        }
    }

    private static boolean wide(Val v) {
        if (v instanceof Imm) {
            return ((Imm) v).wide;
        }
        if (v instanceof Vr) {
            return ((Vr) v).wide || ((Vr) v).ptr != null;
        }
        return true;
    }

    private Opnd opnd(Val v) {
        if (v instanceof Imm) {
            return Opnd.imm(((Imm) v).v);
        }
        if (v instanceof Vr) {
            return Opnd.v(((Vr) v).v);
        }
        Obj o = (Obj) v;
        if (o.o instanceof StackObj) {
            return Opnd.fp(((StackObj) o.o).off);
        }
        if (o.o instanceof Ctx) {
            return Opnd.v(((Ctx) o.o).vreg);
        }
        throw new IllegalStateException("compiler bug: no operand for " + o.o);
    }

    /** A value as a register or an immediate, checked to be a scalar. */
    private Opnd scalar(Scope s, Val v, String what) {
        if (v instanceof Obj) {
            Object o = ((Obj) v).o;
            throw s.error(what, "expected a number, found " + describe(o));
        }
        return opnd(v);
    }

    private static String describe(Object o) {
        if (o instanceof StackObj) {
            StackObj so = (StackObj) o;
            return so.isArray() ? "an array" : "a record " + so.recordType.getSimpleName();
        }
        if (o instanceof MapObj) {
            return "the map field " + ((MapObj) o).fieldName;
        }
        if (o instanceof Ctx) {
            return "the context";
        }
        if (o instanceof String) {
            return "a string";
        }
        if (o instanceof ResObj) {
            return "a ring-buffer reservation";
        }
        return String.valueOf(o);
    }

    // ---- one instruction --------------------------------------------------------------------------

    /** Translates one instruction; false if control does not fall through it. */
    private boolean insn(Scope s, AbstractInsnNode n) {
        int op = n.getOpcode();
        if (!s.stack.isEmpty() && !setsBytes(n)) {
            materializePending(s);
        }
        switch (op) {
            case Opcodes.NOP:
                return true;
            case Opcodes.ACONST_NULL:
                s.push(new Obj(Vals.NULL));
                return true;
            case Opcodes.ICONST_M1: case Opcodes.ICONST_0: case Opcodes.ICONST_1: case Opcodes.ICONST_2:
            case Opcodes.ICONST_3: case Opcodes.ICONST_4: case Opcodes.ICONST_5:
                s.push(new Imm(op - Opcodes.ICONST_0, false));
                return true;
            case Opcodes.LCONST_0: case Opcodes.LCONST_1:
                s.push(new Imm(op - Opcodes.LCONST_0, true));
                return true;
            case Opcodes.BIPUSH: case Opcodes.SIPUSH:
                s.push(new Imm(((IntInsnNode) n).operand, false));
                return true;
            case Opcodes.LDC: {
                Object c = ((LdcInsnNode) n).cst;
                if (c instanceof Integer) {
                    s.push(new Imm((Integer) c, false));
                } else if (c instanceof Long) {
                    s.push(new Imm((Long) c, true));
                } else if (c instanceof String) {
                    s.push(new Obj(c));
                } else if (c instanceof Float || c instanceof Double) {
                    throw s.error("floating-point constant " + c, "BPF has no floating point: use long (e.g. nanoseconds, fixed point)");
                } else {
                    throw s.error("constant " + c, "only int, long and string constants are supported");
                }
                return true;
            }
            case Opcodes.ILOAD: case Opcodes.LLOAD: case Opcodes.ALOAD:
                load(s, (VarInsnNode) n);
                return true;
            case Opcodes.ISTORE: case Opcodes.LSTORE: case Opcodes.ASTORE:
                store(s, (VarInsnNode) n);
                return true;
            case Opcodes.IINC: {
                IincInsnNode i = (IincInsnNode) n;
                int v = s.local(i.var);
                protect(s, v);
                ir.alu(AluOp.ADD, false, v, Opnd.v(v), Opnd.imm(i.incr));
                return true;
            }
            case Opcodes.POP: {
                s.pop();
                return true;
            }
            case Opcodes.POP2: {
                Val v = s.pop();
                if (!wide(v) || v instanceof Obj) {
                    s.pop();
                }
                return true;
            }
            case Opcodes.DUP:
                s.push(s.peek());
                return true;
            case Opcodes.DUP_X1: {
                Val a = s.pop();
                Val b = s.pop();
                s.push(a);
                s.push(b);
                s.push(a);
                return true;
            }
            case Opcodes.DUP2: {
                Val a = s.peek();
                if (wide(a) && !(a instanceof Obj)) {
                    s.push(a);
                } else {
                    Val x = s.pop();
                    Val y = s.pop();
                    s.push(y);
                    s.push(x);
                    s.push(y);
                    s.push(x);
                }
                return true;
            }
            case Opcodes.SWAP: {
                Val a = s.pop();
                Val b = s.pop();
                s.push(a);
                s.push(b);
                return true;
            }
            case Opcodes.IADD: return binary(s, AluOp.ADD, false, "+");
            case Opcodes.LADD: return binary(s, AluOp.ADD, true, "+");
            case Opcodes.ISUB: return binary(s, AluOp.SUB, false, "-");
            case Opcodes.LSUB: return binary(s, AluOp.SUB, true, "-");
            case Opcodes.IMUL: return binary(s, AluOp.MUL, false, "*");
            case Opcodes.LMUL: return binary(s, AluOp.MUL, true, "*");
            case Opcodes.IAND: return binary(s, AluOp.AND, false, "&");
            case Opcodes.LAND: return binary(s, AluOp.AND, true, "&");
            case Opcodes.IOR: return binary(s, AluOp.OR, false, "|");
            case Opcodes.LOR: return binary(s, AluOp.OR, true, "|");
            case Opcodes.IXOR: return binary(s, AluOp.XOR, false, "^");
            case Opcodes.LXOR: return binary(s, AluOp.XOR, true, "^");
            case Opcodes.ISHL: return shift(s, AluOp.LSH, false);
            case Opcodes.LSHL: return shift(s, AluOp.LSH, true);
            case Opcodes.ISHR: return shift(s, AluOp.ARSH, false);
            case Opcodes.LSHR: return shift(s, AluOp.ARSH, true);
            case Opcodes.IUSHR: return shift(s, AluOp.RSH, false);
            case Opcodes.LUSHR: return shift(s, AluOp.RSH, true);
            case Opcodes.IDIV: case Opcodes.LDIV: case Opcodes.IREM: case Opcodes.LREM:
                return signedDivision(s, op);
            case Opcodes.INEG: case Opcodes.LNEG: {
                boolean w = op == Opcodes.LNEG;
                Val a = s.pop();
                if (a instanceof Imm) {
                    s.push(new Imm(-((Imm) a).v, w));
                } else {
                    int t = ir.newVreg();
                    ir.alu(AluOp.SUB, w, t, Opnd.imm(0), scalar(s, a, "negation"));
                    s.push(new Vr(t, w, true, null));
                }
                return true;
            }
            case Opcodes.I2L: {
                Val a = s.pop();
                if (a instanceof Imm) {
                    s.push(new Imm(((Imm) a).v, true));
                } else {
                    int t = ir.newVreg();
                    if (v4) {
                        ir.alu(AluOp.MOVSX32, true, t, scalar(s, a, "(long)"), Opnd.imm(0));   // r = (s32) w
                    } else {
                        ir.alu(AluOp.LSH, true, t, scalar(s, a, "(long)"), Opnd.imm(32));
                        ir.alu(AluOp.ARSH, true, t, Opnd.v(t), Opnd.imm(32));
                    }
                    s.push(new Vr(t, true, true, null));
                }
                return true;
            }
            case Opcodes.L2I: {
                Val a = s.pop();
                if (a instanceof Imm) {
                    s.push(new Imm((int) ((Imm) a).v, false));
                } else {
                    if (a instanceof Vr && ((Vr) a).temp && fitsU32.get(((Vr) a).v)) {
                        // Already below 2^32, so already a zero-extended int: nothing to emit.
                        s.push(new Vr(((Vr) a).v, false, true, null));
                        return true;
                    }
                    int t = ir.newVreg();
                    ir.trunc(t, scalar(s, a, "(int)"));
                    s.push(new Vr(t, false, true, null));
                }
                return true;
            }
            case Opcodes.I2B: return narrow(s, 24, true);
            case Opcodes.I2S: return narrow(s, 16, true);
            case Opcodes.I2C: return narrow(s, 16, false);
            case Opcodes.LCMP: {
                Val b = s.pop();
                Val a = s.pop();
                s.push(new Obj(new Cmp(a, b, false, true)));
                return true;
            }
            case Opcodes.IFEQ: case Opcodes.IFNE: case Opcodes.IFLT: case Opcodes.IFGE: case Opcodes.IFGT: case Opcodes.IFLE:
                return ifZero(s, (JumpInsnNode) n);
            case Opcodes.IF_ICMPEQ: case Opcodes.IF_ICMPNE: case Opcodes.IF_ICMPLT: case Opcodes.IF_ICMPGE:
            case Opcodes.IF_ICMPGT: case Opcodes.IF_ICMPLE: {
                Val b = s.pop();
                Val a = s.pop();
                return branch(s, jumpOp(op - Opcodes.IF_ICMPEQ, false), false, a, b, (JumpInsnNode) n);
            }
            case Opcodes.IFNULL: case Opcodes.IFNONNULL: case Opcodes.IF_ACMPEQ: case Opcodes.IF_ACMPNE:
                return refBranch(s, (JumpInsnNode) n);
            case Opcodes.GOTO: {
                JumpInsnNode j = (JumpInsnNode) n;
                if (s.isRoot && s.stack.size() == 1 && returnsTop(j.label)) {
                    checkReturn(s);
                    ir.ret(opnd(s.pop()));                // the label only returns this value
                    return false;
                }
                normalize(s, j.label);
                ir.ja(s.label(j.label));
                edge(s, s.label(j.label), checkedPacketEnd);
                return false;
            }
            case Opcodes.TABLESWITCH: {
                TableSwitchInsnNode t = (TableSwitchInsnNode) n;
                List<Integer> keys = new ArrayList<>();
                for (int k = t.min; k <= t.max; k++) {
                    keys.add(k);
                }
                switchOn(s, keys, t.labels, t.dflt);
                return false;
            }
            case Opcodes.LOOKUPSWITCH: {
                LookupSwitchInsnNode t = (LookupSwitchInsnNode) n;
                switchOn(s, t.keys, t.labels, t.dflt);
                return false;
            }
            case Opcodes.IRETURN: case Opcodes.LRETURN: case Opcodes.ARETURN: case Opcodes.RETURN:
                doReturn(s, op);
                return false;
            case Opcodes.GETSTATIC:
                getStatic(s, (FieldInsnNode) n);
                return true;
            case Opcodes.PUTSTATIC:
                throw s.error("assignment to static field " + ((FieldInsnNode) n).name,
                        "a BPF program has no writable globals: keep state in a map field");
            case Opcodes.GETFIELD: case Opcodes.PUTFIELD:
                throw s.error("instance field " + ((FieldInsnNode) n).owner.replace('/', '.') + "." + ((FieldInsnNode) n).name,
                        "only records (read through their accessors) and map fields are supported");
            case Opcodes.INVOKESTATIC: case Opcodes.INVOKEVIRTUAL: case Opcodes.INVOKESPECIAL: case Opcodes.INVOKEINTERFACE:
                invoke(s, (MethodInsnNode) n);
                return true;
            case Opcodes.INVOKEDYNAMIC: {
                org.objectweb.asm.tree.InvokeDynamicInsnNode d = (org.objectweb.asm.tree.InvokeDynamicInsnNode) n;
                if (d.bsm.getOwner().equals("java/lang/invoke/LambdaMetafactory") && d.desc.startsWith("()")
                        && d.bsmArgs.length >= 2 && d.bsmArgs[1] instanceof org.objectweb.asm.Handle
                        && ((org.objectweb.asm.Handle) d.bsmArgs[1]).getTag() == Opcodes.H_INVOKESTATIC) {
                    org.objectweb.asm.Handle h = (org.objectweb.asm.Handle) d.bsmArgs[1];
                    s.push(new Obj(new Vals.FuncRef(h.getOwner(), h.getName(), h.getDesc())));
                    return true;
                }
                if (d.bsm.getOwner().equals("java/lang/invoke/LambdaMetafactory") && d.desc.startsWith("()")
                        && d.bsmArgs.length >= 2 && d.bsmArgs[1] instanceof org.objectweb.asm.Handle
                        && ((org.objectweb.asm.Handle) d.bsmArgs[1]).getTag() == Opcodes.H_INVOKEVIRTUAL
                        && ((org.objectweb.asm.Handle) d.bsmArgs[1]).getDesc().startsWith("()")) {
                    org.objectweb.asm.Handle h = (org.objectweb.asm.Handle) d.bsmArgs[1];
                    s.push(new Obj(new Vals.Accessor(h.getOwner(), h.getName())));   // Exec::pid: a field's name
                    return true;
                }
                throw s.error("invokedynamic (a lambda, method reference or string concatenation)",
                        "not supported in BPF programs: call static methods and use Bpf.printk for text"
                                + " (a capture-free method reference is accepted as a Bpf.loop body)");
            }
            case Opcodes.NEW: {
                String t = ((TypeInsnNode) n).desc;
                try {
                    if (Throwable.class.isAssignableFrom(Class.forName(t.replace('/', '.'), false, root.getClassLoader()))) {
                        throw s.error("throw new " + t.substring(t.lastIndexOf('/') + 1),
                                "exceptions do not exist in BPF programs: return a value instead");
                    }
                } catch (ClassNotFoundException e) {
                    throw s.error("new " + t, "class not found");
                }
                s.push(new Obj(new PendingNew(t)));
                return true;
            }
            case Opcodes.NEWARRAY:
                newArray(s, ((IntInsnNode) n).operand);
                return true;
            case Opcodes.ANEWARRAY: case Opcodes.MULTIANEWARRAY:
                throw s.error("array of objects", "only arrays of byte, short, int and long of constant length live on the BPF stack");
            case Opcodes.ARRAYLENGTH: {
                StackObj a = array(s, s.pop());
                s.push(new Imm(a.length, false));
                return true;
            }
            case Opcodes.BALOAD: case Opcodes.SALOAD: case Opcodes.CALOAD: case Opcodes.IALOAD: case Opcodes.LALOAD:
                arrayLoad(s, op);
                return true;
            case Opcodes.BASTORE: case Opcodes.SASTORE: case Opcodes.CASTORE: case Opcodes.IASTORE: case Opcodes.LASTORE:
                arrayStore(s, op);
                return true;
            case Opcodes.CHECKCAST:
                return true;
            case Opcodes.ATHROW:
                throw s.error("throw", "exceptions do not exist in BPF programs: return a value instead");
            case Opcodes.MONITORENTER: case Opcodes.MONITOREXIT:
                throw s.error("synchronized", "BPF programs cannot take monitors: use the maps' atomic add");
            case Opcodes.INSTANCEOF:
                throw s.error("instanceof", "types are known at compile time in BPF programs");
            default:
                if (op >= Opcodes.FCONST_0 && op <= Opcodes.DCONST_1 || op == Opcodes.FLOAD || op == Opcodes.DLOAD
                        || op == Opcodes.FSTORE || op == Opcodes.DSTORE || (op >= Opcodes.FADD && op <= Opcodes.DREM && isFloatArith(op))
                        || (op >= Opcodes.I2F && op <= Opcodes.D2F) || (op >= Opcodes.FCMPL && op <= Opcodes.DCMPG)
                        || op == Opcodes.FRETURN || op == Opcodes.DRETURN || op == Opcodes.FALOAD || op == Opcodes.DALOAD
                        || op == Opcodes.FASTORE || op == Opcodes.DASTORE) {
                    throw s.error("floating point (opcode " + op + ")",
                            "BPF has no floating point: use long (e.g. nanoseconds, fixed point)");
                }
                throw s.error("bytecode opcode " + op, "not supported in BPF programs");
        }
    }

    private static boolean isFloatArith(int op) {
        int k = (op - Opcodes.IADD) % 4;
        return k == 2 || k == 3;
    }

    // ---- locals ---------------------------------------------------------------------------------------

    private void load(Scope s, VarInsnNode v) {
        Imm k = s.localConst.get(v.var);
        if (k != null) {
            s.push(k);
            return;
        }
        Val o = s.localObj.get(v.var);
        if (o != null) {
            s.push(o);
            return;
        }
        if (v.getOpcode() == Opcodes.ALOAD) {
            String ptr = s.localPtr.get(v.var);
            if (ptr == null) {
                throw s.error("reference local " + v.var, "not a value the compiler knows (a record, array, map or context)");
            }
            s.push(new Vr(s.local(v.var), true, false, ptr));
            return;
        }
        s.push(new Vr(s.local(v.var), v.getOpcode() == Opcodes.LLOAD, false, null));
    }

    private void store(Scope s, VarInsnNode v) {
        Val val = s.pop();
        if (val instanceof Obj) {
            if (((Obj) val).o instanceof Cmp || ((Obj) val).o instanceof PacketCheck) {
                throw s.error("a comparison result stored in a variable", "use compareUnsigned and has() only directly in a condition");
            }
            s.localObj.put(v.var, val);
            return;
        }
        s.localObj.remove(v.var);
        int lv = s.local(v.var);
        protect(s, lv);
        boolean wide = v.getOpcode() == Opcodes.LSTORE || v.getOpcode() == Opcodes.ASTORE;
        if (val instanceof Vr && ((Vr) val).ptr != null) {
            s.localPtr.put(v.var, ((Vr) val).ptr);
        }
        boolean once = s.stores.getOrDefault(v.var, 0) <= 1;
        if (val instanceof Imm && once) {
            s.localConst.put(v.var, (Imm) val);              // folded wherever it is read
            return;
        }
        if (val instanceof Vr && once) {
            // The local holds this value wherever it is read: keep what is known about it.
            int from = ((Vr) val).v;
            if (maxOf.containsKey(from)) {
                maxOf.put(lv, maxOf.get(from));
            }
            if (affine.containsKey(from)) {
                affine.put(lv, affine.get(from));
            }
        } else if (val instanceof Imm && once && ((Imm) val).v >= 0) {
            maxOf.put(lv, ((Imm) val).v);
        }
        if (val instanceof Vr && ((Vr) val).temp && !ir.ops.isEmpty()) {
            Op last = ir.ops.get(ir.ops.size() - 1);
            if (last.dst == ((Vr) val).v && last.k != Ir.K.BSWAP && !usesVreg(last, lv)) {
                last.dst = lv;
                return;
            }
        }
        ir.mov(lv, opnd(val), wide || (val instanceof Imm && ((Imm) val).wide));
    }

    private Long bound(Opnd o) {
        if (o.isImm()) {
            return o.imm >= 0 ? o.imm : null;
        }
        return o.isV() ? maxOf.get(o.vreg) : null;
    }

    /** Records an upper bound and an "x + k" form for {@code t = a op b}, where they are known. */
    private void facts(int t, AluOp op, boolean wide, Opnd a, Opnd b) {
        Long ba = bound(a);
        Long bb = bound(b);
        Long r = null;
        long cap = wide ? Long.MAX_VALUE / 4 : Integer.MAX_VALUE;
        switch (op) {
            case ADD:
                if (ba != null && bb != null) {
                    r = ba + bb;
                }
                break;
            case MUL:
                if (ba != null && bb != null && ba < (1L << 31) && bb < (1L << 31)) {
                    r = ba * bb;
                }
                break;
            case AND:
                if (bb != null && b.isImm()) {
                    r = ba != null ? Math.min(ba, bb) : bb;
                }
                break;
            case LSH:
                if (ba != null && b.isImm() && b.imm < 31) {
                    r = ba << b.imm;
                }
                break;
            case RSH:
                if (b.isImm() && ba != null) {
                    r = ba >> b.imm;
                } else if (b.isImm() && !wide) {
                    r = 0xffff_ffffL >> b.imm;
                }
                break;
            default:
                break;
        }
        if (r != null && r <= cap) {
            maxOf.put(t, r);
        }
        if (op == AluOp.ADD && a.isV() && b.isImm() && b.imm >= 0 && ba != null && ba + b.imm <= 0xffff) {
            long[] inner = affine.get(a.vreg);
            affine.put(t, inner != null ? new long[] {inner[0], inner[1] + b.imm} : new long[] {a.vreg, b.imm});
        }
    }

    private static boolean usesVreg(Op op, int v) {
        return (op.a != null && op.a.isV() && op.a.vreg == v) || (op.b != null && op.b.isV() && op.b.vreg == v);
    }

    /** Before local vreg {@code v} changes, copies stack entries that still refer to its old value. */
    private void protect(Scope s, int v) {
        for (int i = 0; i < s.stack.size(); i++) {
            Val x = s.stack.get(i);
            if (x instanceof Vr && ((Vr) x).v == v && !((Vr) x).temp) {
                int t = ir.newVreg();
                ir.mov(t, Opnd.v(v), true);
                s.stack.set(i, new Vr(t, ((Vr) x).wide, true, ((Vr) x).ptr));
            }
        }
    }

    // ---- arithmetic -----------------------------------------------------------------------------------

    private static long fold(AluOp op, long a, long b, boolean wide) {
        long r;
        switch (op) {
            case ADD: r = a + b; break;
            case SUB: r = a - b; break;
            case MUL: r = a * b; break;
            case AND: r = a & b; break;
            case OR: r = a | b; break;
            case XOR: r = a ^ b; break;
            case LSH: r = wide ? a << b : (int) a << b; break;
            case ARSH: r = wide ? a >> b : (int) a >> b; break;
            case RSH: r = wide ? a >>> b : (int) a >>> b; break;
            case DIV: r = wide ? Long.divideUnsigned(a, b) : Integer.divideUnsigned((int) a, (int) b); break;
            case MOD: r = wide ? Long.remainderUnsigned(a, b) : Integer.remainderUnsigned((int) a, (int) b); break;
            default: throw new IllegalStateException(op.toString());
        }
        return wide ? r : (int) r;
    }

    private boolean binary(Scope s, AluOp op, boolean wide, String what) {
        Val b = s.pop();
        Val a = s.pop();
        s.push(alu(s, op, wide, a, b, what));
        return true;
    }

    private Val alu(Scope s, AluOp op, boolean wide, Val a, Val b, String what) {
        if (a instanceof Vr && ((Vr) a).ptr != null || b instanceof Vr && ((Vr) b).ptr != null) {
            throw s.error("arithmetic on a kernel pointer", "pointers are used only through intrinsics");
        }
        if (a instanceof Imm && b instanceof Imm) {
            return new Imm(fold(op, ((Imm) a).v, ((Imm) b).v, wide), wide);
        }
        Opnd oa = scalar(s, a, what);
        Opnd ob = scalar(s, b, what);
        boolean commutes = op == AluOp.ADD || op == AluOp.MUL || op == AluOp.AND || op == AluOp.OR || op == AluOp.XOR;
        if (oa.isImm() && commutes) {
            Opnd t = oa;
            oa = ob;
            ob = t;
        }
        if (ob.isImm()) {
            long k = ob.imm;
            if ((op == AluOp.ADD || op == AluOp.SUB || op == AluOp.OR || op == AluOp.XOR || op == AluOp.LSH
                    || op == AluOp.RSH || op == AluOp.ARSH) && k == 0 && oa.isV() && wide) {
                return new Vr(oa.vreg, true, false, null);
            }
            if (!wide) {
                ob = Opnd.imm((int) k);
            }
        }
        if (op == AluOp.MUL && ob.isImm() && ob.imm > 0 && Long.bitCount(ob.imm) == 1) {
            op = AluOp.LSH;                                 // x * 2^k is x << k
            ob = Opnd.imm(Long.numberOfTrailingZeros(ob.imm));
        }
        int t = ir.newVreg();
        ir.alu(op, wide, t, oa, ob);
        facts(t, op, wide, oa, ob);
        if (ob.isImm() && (op == AluOp.RSH && wide && ob.imm >= 32 || op == AluOp.AND && ob.imm >= 0 && ob.imm <= 0xffff_ffffL)) {
            fitsU32.set(t);
        }
        return new Vr(t, wide, true, null);
    }

    private boolean shift(Scope s, AluOp op, boolean wide) {
        Val b = s.pop();
        Val a = s.pop();
        int mask = wide ? 63 : 31;
        if (b instanceof Imm) {
            s.push(alu(s, op, wide, a, new Imm(((Imm) b).v & mask, wide), "shift"));
            return true;
        }
        // Java masks the shift count; BPF leaves counts past the width undefined.
        int c = ir.newVreg();
        ir.alu(AluOp.AND, wide, c, scalar(s, b, "shift count"), Opnd.imm(mask));
        s.push(alu(s, op, wide, a, new Vr(c, wide, true, null), "shift"));
        return true;
    }

    private boolean signedDivision(Scope s, int op) {
        Val b = s.pop();
        Val a = s.pop();
        boolean wide = op == Opcodes.LDIV || op == Opcodes.LREM;
        boolean div = op == Opcodes.IDIV || op == Opcodes.LDIV;
        if (a instanceof Imm && b instanceof Imm && ((Imm) b).v != 0) {
            long x = ((Imm) a).v;
            long y = ((Imm) b).v;
            s.push(new Imm(div ? x / y : x % y, wide));
            return true;
        }
        String sign = "signed " + (div ? "division" : "remainder") + " (" + (div ? "/" : "%") + ")";
        if (v4 && b instanceof Imm && ((Imm) b).v != 0) {
            // sdiv/smod round toward zero and give MIN_VALUE / -1 = MIN_VALUE, as Java does.
            s.push(alu(s, div ? AluOp.SDIV : AluOp.SMOD, wide, a, b, sign));
            return true;
        }
        if (v4) {
            throw s.error(sign + " by a variable", "the divisor must be a non-zero constant: BPF gives 0 for a division"
                    + " by zero where Java throws");
        }
        throw s.error(sign, "BPF's division before cpu v4 is unsigned: use " + (wide ? "Long" : "Integer")
                + (div ? ".divideUnsigned" : ".remainderUnsigned") + " with a constant divisor, or a shift; or, where"
                + " the kernel has cpu v4 (Linux 6.6, Features.hasInstructionSetV4()), compile with"
                + " BpfCompiler.target(Target.CPU_V4) and divide by a constant");
    }

    private Val unsignedDivision(Scope s, boolean wide, boolean div) {
        Val b = s.pop();
        Val a = s.pop();
        if (!(b instanceof Imm) || ((Imm) b).v == 0) {
            throw s.error((div ? "divideUnsigned" : "remainderUnsigned") + " by a variable",
                    "the divisor must be a non-zero constant: BPF gives 0 for a division by zero where Java throws");
        }
        return alu(s, div ? AluOp.DIV : AluOp.MOD, wide, a, b, "division");
    }

    private boolean narrow(Scope s, int bits, boolean signed) {
        Val a = s.pop();
        if (a instanceof Imm) {
            long v = ((Imm) a).v;
            long r = bits == 24 ? (byte) v : signed ? (short) v : (char) v;
            s.push(new Imm(r, false));
            return true;
        }
        int t = ir.newVreg();
        if (signed) {
            ir.alu(AluOp.LSH, false, t, scalar(s, a, "cast"), Opnd.imm(bits));
            ir.alu(AluOp.ARSH, false, t, Opnd.v(t), Opnd.imm(bits));
        } else {
            ir.alu(AluOp.AND, false, t, scalar(s, a, "cast"), Opnd.imm(0xffff));
        }
        s.push(new Vr(t, false, true, null));
        return true;
    }

    // ---- branches -------------------------------------------------------------------------------------

    /** JVM condition index (eq, ne, lt, ge, gt, le) to a jump op. */
    private static JumpOp jumpOp(int cond, boolean unsigned) {
        switch (cond) {
            case 0: return JumpOp.JEQ;
            case 1: return JumpOp.JNE;
            case 2: return unsigned ? JumpOp.JLT : JumpOp.JSLT;
            case 3: return unsigned ? JumpOp.JGE : JumpOp.JSGE;
            case 4: return unsigned ? JumpOp.JGT : JumpOp.JSGT;
            default: return unsigned ? JumpOp.JLE : JumpOp.JSLE;
        }
    }

    private boolean ifZero(Scope s, JumpInsnNode j) {
        Val v = s.pop();
        int cond = j.getOpcode() - Opcodes.IFEQ;
        if (v instanceof Obj && ((Obj) v).o instanceof PacketCheck && (cond == 0 || cond == 1)) {
            long need = ((PacketCheck) ((Obj) v).o).bytes;
            int e = ir.newVreg();
            ir.alu(AluOp.ADD, true, e, Opnd.v(ctx.data), Opnd.imm(need));
            normalize(s, j.label);
            long both = Math.max(checkedPacketEnd, need);
            if (cond == 0) {                               // jump if the bytes are missing
                ir.jmp(JumpOp.JGT, true, Opnd.v(e), Opnd.v(ctx.end), s.label(j.label));
                edge(s, s.label(j.label), checkedPacketEnd);
                checkedPacketEnd = both;
            } else {                                       // jump if they are there
                ir.jmp(JumpOp.JLE, true, Opnd.v(e), Opnd.v(ctx.end), s.label(j.label));
                edge(s, s.label(j.label), both);
            }
            return true;
        }
        if (v instanceof Obj && ((Obj) v).o instanceof Cmp) {
            Cmp c = (Cmp) ((Obj) v).o;
            return branch(s, jumpOp(cond, c.unsigned), c.wide, c.a, c.b, j);
        }
        return branch(s, jumpOp(cond, false), false, v, new Imm(0, false), j);
    }

    private static boolean test(JumpOp op, long a, long b, boolean wide) {
        if (!wide) {
            a = (int) a;
            b = (int) b;
        }
        switch (op) {
            case JEQ: return a == b;
            case JNE: return a != b;
            case JSLT: return a < b;
            case JSGE: return a >= b;
            case JSGT: return a > b;
            case JSLE: return a <= b;
            case JLT: return wide ? Long.compareUnsigned(a, b) < 0 : Integer.compareUnsigned((int) a, (int) b) < 0;
            case JGE: return wide ? Long.compareUnsigned(a, b) >= 0 : Integer.compareUnsigned((int) a, (int) b) >= 0;
            case JGT: return wide ? Long.compareUnsigned(a, b) > 0 : Integer.compareUnsigned((int) a, (int) b) > 0;
            default: return wide ? Long.compareUnsigned(a, b) <= 0 : Integer.compareUnsigned((int) a, (int) b) <= 0;
        }
    }

    /** Emits a conditional jump (folded when both sides are constants); false if control cannot fall through. */
    private boolean branch(Scope s, JumpOp op, boolean wide, Val a, Val b, JumpInsnNode j) {
        if (a instanceof Imm && b instanceof Imm) {
            if (test(op, ((Imm) a).v, ((Imm) b).v, wide)) {
                normalize(s, j.label);
                ir.ja(s.label(j.label));
                edge(s, s.label(j.label), checkedPacketEnd);
                return false;
            }
            return true;
        }
        Opnd oa = scalar(s, a, "comparison");
        Opnd ob = scalar(s, b, "comparison");
        normalize(s, j.label);
        ir.jmp(op, wide, oa, ob, s.label(j.label));
        edge(s, s.label(j.label), checkedPacketEnd);
        return true;
    }

    private boolean refBranch(Scope s, JumpInsnNode j) {
        int op = j.getOpcode();
        if (op == Opcodes.IF_ACMPEQ || op == Opcodes.IF_ACMPNE) {
            throw s.error("comparison of references (== on objects)", "compare numbers instead");
        }
        Val v = s.pop();
        boolean jumpIfNull = op == Opcodes.IFNULL;
        if (v instanceof Obj && ((Obj) v).o instanceof ResObj) {
            return nullCheck(s, (ResObj) ((Obj) v).o, jumpIfNull, j);
        }
        if (v instanceof Obj) {
            boolean isNull = ((Obj) v).o == Vals.NULL;
            if (isNull == jumpIfNull) {
                normalize(s, j.label);
                ir.ja(s.label(j.label));
                edge(s, s.label(j.label), checkedPacketEnd);
                return false;
            }
            return true;
        }
        normalize(s, j.label);
        ir.jmp(jumpIfNull ? JumpOp.JEQ : JumpOp.JNE, true, opnd(v), Opnd.imm(0), s.label(j.label));
        edge(s, s.label(j.label), checkedPacketEnd);
        return true;
    }

    private void switchOn(Scope s, List<Integer> keys, List<LabelNode> labels, LabelNode dflt) {
        Val v = s.pop();
        if (v instanceof Imm) {
            int k = (int) ((Imm) v).v;
            int i = keys.indexOf(k);
            LabelNode to = i >= 0 ? labels.get(i) : dflt;
            normalize(s, to);
            ir.ja(s.label(to));
            edge(s, s.label(to), checkedPacketEnd);
            return;
        }
        Opnd o = scalar(s, v, "switch");
        for (int i = 0; i < keys.size(); i++) {
            if (labels.get(i) == dflt) {
                continue;
            }
            normalize(s, labels.get(i));
            ir.jmp(JumpOp.JEQ, false, o, Opnd.imm(keys.get(i)), s.label(labels.get(i)));
            edge(s, s.label(labels.get(i)), checkedPacketEnd);
        }
        normalize(s, dflt);
        ir.ja(s.label(dflt));
        edge(s, s.label(dflt), checkedPacketEnd);
    }

    private void doReturn(Scope s, int op) {
        Val v = op == Opcodes.RETURN ? null : s.pop();
        if (s.isRoot) {
            if (v instanceof Obj) {
                throw s.error("returning an object", "a BPF program returns a number");
            }
            checkReturn(s);
            ir.ret(opnd(v));
            return;
        }
        if (v instanceof Obj) {
            if (s.retObj != null && s.retObj != v && ((Obj) s.retObj).o != ((Obj) v).o) {
                throw s.error("returning different objects", "an inlined method must return the same record on every path");
            }
            s.retObj = v;
        } else if (v != null) {
            if (v instanceof Vr && ((Vr) v).ptr != null) {
                throw s.error("returning a kernel pointer", "keep pointers inside one method");
            }
            ir.mov(s.retV, opnd(v), s.retWide);
        }
        edgeRefs.merge(s.retLabel, RefSt.copy(refs), RefSt::merge);
        ir.ja(s.retLabel);
    }

    // ---- loops ----------------------------------------------------------------------------------------

    /**
     * Refuses loops the compiler cannot see a bound for: every backward jump must close a loop
     * with an exit that compares a counter (a local changed only by a constant step in the loop)
     * with a constant or an array's length.
     */
    private void checkLoops(Scope s) {
        List<AbstractInsnNode> list = new ArrayList<>();
        for (AbstractInsnNode n : s.m.instructions) {
            list.add(n);
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof JumpInsnNode)) {
                continue;
            }
            JumpInsnNode back = (JumpInsnNode) list.get(i);
            int head = list.indexOf(back.label);
            if (head > i) {
                continue;
            }
            int line = -1;
            for (int k = head; k <= i; k++) {
                if (list.get(k) instanceof LineNumberNode) {
                    line = ((LineNumberNode) list.get(k)).line;
                    break;
                }
            }
            if (!boundedLoop(list, head, i)) {
                throw new CompileException(s.cls.sourceFile, line, "loop without a visible bound",
                        "write it as for (int i = 0; i < N; i++) with N a constant or an array's length"
                                + " (and change i only by i++ or i += k), so the verifier can prove it ends");
            }
        }
    }

    private static boolean boundedLoop(List<AbstractInsnNode> list, int head, int back) {
        Map<Integer, Integer> steps = new HashMap<>();
        java.util.Set<Integer> stored = new java.util.HashSet<>();
        for (int k = head; k <= back; k++) {
            AbstractInsnNode n = list.get(k);
            if (n instanceof IincInsnNode) {
                IincInsnNode inc = (IincInsnNode) n;
                steps.merge(inc.var, inc.incr, (x, y) -> x == 0 || y == 0 || Integer.signum(x) != Integer.signum(y) ? 0 : x + y);
            } else if (n instanceof VarInsnNode && (n.getOpcode() == Opcodes.ISTORE || n.getOpcode() == Opcodes.LSTORE)) {
                stored.add(((VarInsnNode) n).var);
            }
        }
        for (int k = head; k <= back; k++) {
            AbstractInsnNode n = list.get(k);
            if (!(n instanceof JumpInsnNode) || n.getOpcode() == Opcodes.GOTO) {
                continue;
            }
            int target = list.indexOf(((JumpInsnNode) n).label);
            boolean exits = target > back || target < head;
            boolean backEdge = k == back;
            if (!exits && !backEdge) {
                continue;
            }
            int op = n.getOpcode();
            if (op >= Opcodes.IFEQ && op <= Opcodes.IFLE) {
                // A counter compared with 0: for (int i = N; i > 0; i--).
                if (counterOf(prevReal(n), steps, stored) != null) {
                    return true;
                }
                continue;
            }
            if (op < Opcodes.IF_ICMPEQ || op > Opcodes.IF_ICMPLE) {
                continue;
            }
            AbstractInsnNode b = prevReal(n);
            AbstractInsnNode a = b == null ? null : prevReal(b);
            if (b != null && b.getOpcode() == Opcodes.ARRAYLENGTH && a != null) {
                a = prevReal(a);                            // skip the array's aload
            }
            if (a == null) {
                continue;
            }
            Integer counter = counterOf(a, steps, stored);
            boolean bConst = isConstOrLength(b);
            if (counter == null) {
                counter = counterOf(b, steps, stored);
                bConst = isConstOrLength(a);
            }
            if (counter != null && bConst) {
                return true;
            }
        }
        return false;
    }

    private static Integer counterOf(AbstractInsnNode n, Map<Integer, Integer> steps, java.util.Set<Integer> stored) {
        if (n instanceof VarInsnNode && n.getOpcode() == Opcodes.ILOAD) {
            int var = ((VarInsnNode) n).var;
            Integer step = steps.get(var);
            if (step != null && step != 0 && !stored.contains(var)) {
                return var;
            }
        }
        return null;
    }

    private static boolean isConstOrLength(AbstractInsnNode n) {
        int op = n.getOpcode();
        if (op >= Opcodes.ICONST_M1 && op <= Opcodes.ICONST_5 || op == Opcodes.BIPUSH || op == Opcodes.SIPUSH) {
            return true;
        }
        if (op == Opcodes.LDC && ((LdcInsnNode) n).cst instanceof Integer) {
            return true;
        }
        return op == Opcodes.ARRAYLENGTH;
    }

    private static AbstractInsnNode prevReal(AbstractInsnNode n) {
        AbstractInsnNode p = n.getPrevious();
        while (p != null && p.getOpcode() < 0) {
            p = p.getPrevious();
        }
        return p;
    }

    // ---- statics, arrays ----------------------------------------------------------------------------

    private void getStatic(Scope s, FieldInsnNode f) {
        Object value;
        try {
            Class<?> owner = Class.forName(f.owner.replace('/', '.'), true, root.getClassLoader());
            java.lang.reflect.Field field = owner.getDeclaredField(f.name);
            if (!Modifier.isFinal(field.getModifiers())) {
                throw s.error("static field " + f.name + " that is not final", "BPF programs read only static final fields (maps and constants)");
            }
            field.setAccessible(true);
            value = field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (e instanceof CompileException) {
                throw (CompileException) e;
            }
            throw s.error("static field " + f.owner.replace('/', '.') + "." + f.name,
                    "cannot be read at compile time (" + e + "): make it accessible or open its package to io.bpf4j.compiler");
        }
        if (value instanceof MapField) {
            MapDef d = ((MapField) value).definition();
            MapDef old = maps.putIfAbsent(d.name(), d);
            if (old != null && !old.equals(d)) {
                throw s.error("map field " + f.name, "two maps are named '" + d.name() + "'");
            }
            s.push(new Obj(new MapObj((MapField) value, f.name)));
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte || value instanceof Character
                || value instanceof Boolean) {
            long v = value instanceof Boolean ? ((Boolean) value ? 1 : 0)
                    : value instanceof Character ? (Character) value : ((Number) value).intValue();
            s.push(new Imm(v, false));
        } else if (value instanceof Long) {
            s.push(new Imm((Long) value, true));
        } else {
            throw s.error("static field " + f.name + " of type " + (value == null ? "null" : value.getClass().getSimpleName()),
                    "BPF programs read map fields (LongHashMap, LongArrayMap, RingBuffer) and integer constants");
        }
    }

    private int allocate(Scope s, int bytes, String what) {
        int size = (bytes + 7) & ~7;
        frame += size;
        if (frame > MAX_STACK) {
            throw s.error(what + " (" + bytes + " bytes)", "the BPF stack would need " + frame + " bytes; the kernel allows " + MAX_STACK);
        }
        return -frame;
    }

    private static int elemSize(int type) {
        switch (type) {
            case Opcodes.T_BOOLEAN: case Opcodes.T_BYTE: return 1;
            case Opcodes.T_SHORT: case Opcodes.T_CHAR: return 2;
            case Opcodes.T_INT: return 4;
            case Opcodes.T_LONG: return 8;
            default: return -1;
        }
    }

    private void newArray(Scope s, int type) {
        Val len = s.pop();
        int es = elemSize(type);
        if (es < 0) {
            throw s.error("array of float or double", "BPF has no floating point");
        }
        if (!(len instanceof Imm) || ((Imm) len).v < 0) {
            throw s.error("array of variable length", "arrays live on the BPF stack: give a constant length");
        }
        int n = (int) ((Imm) len).v;
        int off = allocate(s, n * es, "array of " + n);
        StackObj a = new StackObj(off, n * es, null, null, es, n);
        zero(off, (n * es + 7) & ~7);
        s.push(new Obj(a));
    }

    private void zero(int off, int bytes) {
        for (int i = 0; i < bytes; i += 8) {
            ir.st(Size.DW, Opnd.fp(0), off + i, Opnd.imm(0));
        }
    }

    private StackObj array(Scope s, Val v) {
        if (v instanceof Obj && ((Obj) v).o instanceof StackObj && ((StackObj) ((Obj) v).o).isArray()) {
            return (StackObj) ((Obj) v).o;
        }
        throw s.error("array access", "expected an array on the BPF stack, found " + (v instanceof Obj ? describe(((Obj) v).o) : "a number"));
    }

    private static Size size(int bytes) {
        switch (bytes) {
            case 1: return Size.B;
            case 2: return Size.H;
            case 4: return Size.W;
            default: return Size.DW;
        }
    }

    /** The base and offset of element {@code idx}: constant indexes are checked now, others at run time. */
    private Opnd element(Scope s, StackObj a, Val idx, int[] offOut) {
        if (idx instanceof Imm) {
            long i = ((Imm) idx).v;
            if (i < 0 || i >= a.length) {
                throw s.error("array index " + i, "out of bounds for length " + a.length);
            }
            offOut[0] = a.off + (int) i * a.elemSize;
            return a.baseVreg >= 0 ? Opnd.v(a.baseVreg) : Opnd.fp(0);
        }
        Opnd oi = scalar(s, idx, "array index");
        // An index out of bounds ends the program (Java would throw); the check also gives the
        // verifier the bound it needs for a variable stack offset.
        ir.jmp(JumpOp.JGE, false, oi, Opnd.imm(a.length), abortTarget(s, abortLabel));
        int p = ir.newVreg();
        int scaled = oi.vreg;
        if (a.elemSize > 1) {
            scaled = ir.newVreg();
            ir.alu(AluOp.LSH, true, scaled, oi, Opnd.imm(Integer.numberOfTrailingZeros(a.elemSize)));
        }
        ir.mov(p, a.baseVreg >= 0 ? Opnd.v(a.baseVreg) : Opnd.fp(a.off), true);
        ir.alu(AluOp.ADD, true, p, Opnd.v(p), Opnd.v(scaled));
        offOut[0] = a.baseVreg >= 0 ? a.off : 0;
        return Opnd.v(p);
    }

    private void arrayLoad(Scope s, int op) {
        Val idx = s.pop();
        StackObj a = array(s, s.pop());
        int[] off = new int[1];
        Opnd base = element(s, a, idx, off);
        int t = ir.newVreg();
        ir.ld(size(a.elemSize), t, base, off[0]);
        boolean wide = op == Opcodes.LALOAD;
        if (op == Opcodes.BALOAD && a.elemSize == 1) {
            ir.alu(AluOp.LSH, false, t, Opnd.v(t), Opnd.imm(24));
            ir.alu(AluOp.ARSH, false, t, Opnd.v(t), Opnd.imm(24));
        } else if (op == Opcodes.SALOAD) {
            ir.alu(AluOp.LSH, false, t, Opnd.v(t), Opnd.imm(16));
            ir.alu(AluOp.ARSH, false, t, Opnd.v(t), Opnd.imm(16));
        }
        s.push(new Vr(t, wide, true, null));
    }

    private void arrayStore(Scope s, int op) {
        Val v = s.pop();
        Val idx = s.pop();
        StackObj a = array(s, s.pop());
        int[] off = new int[1];
        Opnd value = scalar(s, v, "array element");
        Opnd base = element(s, a, idx, off);
        ir.st(size(a.elemSize), base, off[0], value);
    }

    // ---- calls ----------------------------------------------------------------------------------------

    private void label(String name) {
        ir.label(name);
        checkedPacketEnd = -1;
    }

    private Val[] popArgs(Scope s, String desc) {
        int n = Type.getArgumentTypes(desc).length;
        Val[] args = new Val[n];
        for (int i = n - 1; i >= 0; i--) {
            args[i] = s.pop();
        }
        return args;
    }

    private void invoke(Scope s, MethodInsnNode mi) {
        String owner = mi.owner;
        String what = owner.substring(owner.lastIndexOf('/') + 1) + "." + mi.name + "()";
        if (mi.getOpcode() == Opcodes.INVOKESPECIAL && mi.name.equals("<init>")) {
            construct(s, mi);
            return;
        }
        if (owner.startsWith(PKG) && INTRINSICS.contains(owner.substring(PKG.length()))) {
            intrinsic(s, mi, owner.substring(PKG.length()), what);
            return;
        }
        if (owner.equals("java/lang/Integer") || owner.equals("java/lang/Long") || owner.equals("java/lang/Math")) {
            javaLang(s, mi, what);
            return;
        }
        if (mi.getOpcode() == Opcodes.INVOKEVIRTUAL) {
            Type[] at = Type.getArgumentTypes(mi.desc);
            if (at.length == 0) {
                Val recv = s.peek();
                if (recv instanceof Obj && ((Obj) recv).o instanceof StackObj && !((StackObj) ((Obj) recv).o).isArray()) {
                    s.pop();
                    accessor(s, (StackObj) ((Obj) recv).o, mi);
                    return;
                }
            }
        }
        if (mi.getOpcode() == Opcodes.INVOKESTATIC && !owner.startsWith("java/") && !owner.startsWith("javax/")) {
            inline(s, mi);
            return;
        }
        if (mi.getOpcode() == Opcodes.INVOKEINTERFACE || mi.getOpcode() == Opcodes.INVOKEVIRTUAL) {
            throw s.error("virtual call " + what, "only static methods, intrinsics (Bpf, map fields, contexts) and record accessors can be called");
        }
        throw s.error("call " + what, "not supported in BPF programs (supported from java.lang: Integer/Long compareUnsigned,"
                + " divideUnsigned, remainderUnsigned, toUnsignedLong, Math.min/max)");
    }

    private void javaLang(Scope s, MethodInsnNode mi, String what) {
        boolean wide = mi.owner.equals("java/lang/Long") || mi.desc.startsWith("(J");
        switch (mi.name) {
            case "compareUnsigned": {
                Val b = s.pop();
                Val a = s.pop();
                s.push(new Obj(new Cmp(a, b, true, wide)));
                return;
            }
            case "compare": {
                Val b = s.pop();
                Val a = s.pop();
                s.push(new Obj(new Cmp(a, b, false, wide)));
                return;
            }
            case "divideUnsigned":
                s.push(unsignedDivision(s, wide, true));
                return;
            case "remainderUnsigned":
                s.push(unsignedDivision(s, wide, false));
                return;
            case "toUnsignedLong": {
                Val a = s.pop();
                if (a instanceof Imm) {
                    s.push(new Imm(((Imm) a).v & 0xffff_ffffL, true));
                } else {
                    // Ints are kept zero-extended in registers: the same register is the unsigned long.
                    Opnd o = scalar(s, a, what);
                    s.push(new Vr(o.vreg, true, ((Vr) a).temp, null));
                }
                return;
            }
            case "min":
            case "max": {
                Val b = s.pop();
                Val a = s.pop();
                if (mi.desc.contains("F") || mi.desc.contains("D")) {
                    throw s.error("floating point (" + what + ")", "BPF has no floating point");
                }
                if (a instanceof Imm && b instanceof Imm) {
                    long x = ((Imm) a).v;
                    long y = ((Imm) b).v;
                    s.push(new Imm(mi.name.equals("min") ? Math.min(x, y) : Math.max(x, y), wide));
                    return;
                }
                int t = ir.newVreg();
                String done = newLabel("minmax");
                ir.mov(t, scalar(s, a, what), wide);
                ir.jmp(mi.name.equals("min") ? JumpOp.JSLE : JumpOp.JSGE, wide, Opnd.v(t), scalar(s, b, what), done);
                ir.mov(t, scalar(s, b, what), wide);
                label(done);
                s.push(new Vr(t, wide, true, null));
                return;
            }
            default:
                throw s.error("call " + what, "not supported in BPF programs (boxing and library calls allocate or are unknown to the compiler)");
        }
    }

    private void intrinsic(Scope s, MethodInsnNode mi, String cls, String what) {
        switch (cls) {
            case "Bpf":
                bpf(s, mi, what);
                return;
            case "LongHashMap":
            case "LongArrayMap":
            case "RingBuffer":
                mapCall(s, mi, what);
                return;
            case "Reservation":
                reservationCall(s, mi);
                return;
            case "PtRegs":
            case "RawContext":
            case "SyscallContext":
            case "TracepointContext":
            case "XdpContext":
                contextCall(s, mi, what);
                return;
            default:
                throw s.error("call " + what, "not an intrinsic: it runs only on the JVM");
        }
    }

    private int helper(Helper h, Opnd... args) {
        int t = ir.newVreg();
        ir.call(h, t, args);
        return t;
    }

    private void bpf(Scope s, MethodInsnNode mi, String what) {
        switch (mi.name) {
            case "ktimeGetNs":
                s.push(new Vr(helper(Helper.KTIME_GET_NS), true, true, null));
                return;
            case "currentPidTgid":
                s.push(new Vr(helper(Helper.GET_CURRENT_PID_TGID), true, true, null));
                return;
            case "currentUidGid":
                s.push(new Vr(helper(Helper.GET_CURRENT_UID_GID), true, true, null));
                return;
            case "currentPid":
            case "currentTid":
            case "currentUid": {
                Helper h = mi.name.equals("currentUid") ? Helper.GET_CURRENT_UID_GID : Helper.GET_CURRENT_PID_TGID;
                int r = helper(h);
                int t = ir.newVreg();
                if (mi.name.equals("currentPid")) {
                    ir.alu(AluOp.RSH, true, t, Opnd.v(r), Opnd.imm(32));
                } else {
                    ir.trunc(t, Opnd.v(r));
                }
                s.push(new Vr(t, false, true, null));
                return;
            }
            case "currentComm":
                s.push(new Obj(new PendingBytes(PendingBytes.Kind.COMM, 16, -1, 0, null)));
                return;
            case "currentCgroupId":
                s.push(new Vr(helper(Helper.GET_CURRENT_CGROUP_ID), true, true, null));
                return;
            case "currentTaskBytes": {
                FieldPath fp = taskPath(s, s.pop(), what);
                s.push(new Obj(new PendingBytes(PendingBytes.Kind.TASK_BYTES, fp.size(), -1, 0, fp)));
                return;
            }
            case "currentTask": {
                FieldPath fp = taskPath(s, s.pop(), what);
                String path = fp.expression();
                int t = ir.newVreg();
                try {
                    ir.raw(FieldPathReads.readCurrentTask(fp, Reg.R0, scratchKey(s)), t);
                } catch (IllegalArgumentException e) {
                    throw s.error("task field '" + path + "'", e.getMessage());
                }
                if (fp.size() <= 4) {
                    fitsU32.set(t);
                }
                s.push(new Vr(t, true, true, null));
                return;
            }
            case "printk": {
                Val[] args = popArgs(s, mi.desc);
                if (!(args[0] instanceof Obj && ((Obj) args[0]).o instanceof String)) {
                    throw s.error(what, "the format must be a string constant");
                }
                byte[] fmt = (((String) ((Obj) args[0]).o) + "\0").getBytes(StandardCharsets.UTF_8);
                int off = allocate(s, fmt.length, "printk format");
                byte[] padded = java.util.Arrays.copyOf(fmt, (fmt.length + 3) & ~3);
                for (int i = 0; i < padded.length; i += 4) {
                    int w = java.nio.ByteBuffer.wrap(padded, i, 4).order(java.nio.ByteOrder.nativeOrder()).getInt();
                    ir.st(Size.W, Opnd.fp(0), off + i, Opnd.imm(w));
                }
                Opnd[] ops = new Opnd[args.length + 1];
                ops[0] = Opnd.fp(off);
                ops[1] = Opnd.imm(fmt.length);
                for (int i = 1; i < args.length; i++) {
                    ops[i + 1] = scalar(s, args[i], what);
                }
                ir.call(Helper.TRACE_PRINTK, -1, ops);
                return;
            }
            case "loop": {
                Val[] args = popArgs(s, mi.desc);
                if (callback) {
                    throw s.error(what, "a bpf_loop body cannot start another bpf_loop");
                }
                if (!(args[2] instanceof Obj && ((Obj) args[2]).o instanceof Vals.FuncRef)) {
                    throw s.error(what, "the body must be a method reference to a static method, e.g. MyProbe::step");
                }
                StackObj state = array(s, args[1]);
                if (state.elemSize != 8 || state.baseVreg >= 0) {
                    throw s.error(what, "the state must be a long[] made in this method");
                }
                Vals.FuncRef f = (Vals.FuncRef) ((Obj) args[2]).o;
                if (!f.desc.equals("(I[J)Z")) {
                    throw s.error(what, "the body " + f.name + f.desc + " must be static boolean " + f.name + "(int, long[])");
                }
                String fl = newLabel("loop_body_");
                callbacks.add(new Object[] {fl, f, state.length, s.line});
                int r = helper(Helper.LOOP, scalar(s, args[0], what), Opnd.func(fl), Opnd.fp(state.off), Opnd.imm(0));
                int t = ir.newVreg();
                ir.trunc(t, Opnd.v(r));
                s.push(new Vr(t, false, true, null));
                return;
            }
            case "log2": {
                Opnd v = scalar(s, s.pop(), what);
                int x = ir.newVreg();
                int out = ir.newVreg();
                int t = ir.newVreg();
                ir.mov(x, v, true);
                ir.mov(out, Opnd.imm(0), false);
                for (int sh = 32; sh >= 1; sh >>= 1) {
                    String skip = newLabel("log2_");
                    ir.alu(AluOp.RSH, true, t, Opnd.v(x), Opnd.imm(sh));
                    ir.jmp(JumpOp.JEQ, true, Opnd.v(t), Opnd.imm(0), skip);
                    ir.mov(x, Opnd.v(t), true);
                    ir.alu(AluOp.ADD, false, out, Opnd.v(out), Opnd.imm(sh));
                    label(skip);
                }
                s.push(new Vr(out, false, true, null));
                return;
            }
            default:
                throw s.error("call " + what, "not a BPF intrinsic");
        }
    }

    private int scratchKey(Scope s) {
        if (scratchKey == 0) {
            scratchKey = allocate(s, 8, "map key");
        }
        return scratchKey;
    }

    private int scratchValue(Scope s) {
        if (scratchValue == 0) {
            scratchValue = allocate(s, 8, "map value");
        }
        return scratchValue;
    }

    private void mapCall(Scope s, MethodInsnNode mi, String what) {
        Val[] args = popArgs(s, mi.desc);
        Val recv = s.pop();
        if (!(recv instanceof Obj && ((Obj) recv).o instanceof MapObj)) {
            throw s.error(what, "call map methods on a static final map field");
        }
        MapObj m = (MapObj) ((Obj) recv).o;
        MapDef d = m.field.definition();
        Opnd map = Opnd.map(d.name());
        if (m.field instanceof RingBuffer && mi.name.equals("reserve")) {
            RingBuffer<?> rb = (RingBuffer<?>) m.field;
            int v = helper(Helper.RINGBUF_RESERVE, map, Opnd.imm(rb.layout().size()), Opnd.imm(0));
            ResObj r = new ResObj(v, rb.type(), rb.layout(), d.name(), s.cls.sourceFile, s.line);
            refs.put(r, new RefSt(RefSt.S.MAYBE_NULL, new java.util.BitSet(), "reserved"));
            s.push(new Obj(r));
            return;
        }
        if (m.field instanceof RingBuffer) {
            if (!mi.name.equals("output")) {
                throw s.error("call " + what, "on the BPF side a ring buffer has reserve() and output(record)");
            }
            Val e = args[0];
            RingBuffer<?> rb = (RingBuffer<?>) m.field;
            if (!(e instanceof Obj && ((Obj) e).o instanceof StackObj) || ((StackObj) ((Obj) e).o).recordType != rb.type()) {
                throw s.error(what, "expected a " + rb.type().getSimpleName() + " record built in this program (new "
                        + rb.type().getSimpleName() + "(...))");
            }
            StackObj r = (StackObj) ((Obj) e).o;
            ir.call(Helper.RINGBUF_OUTPUT, -1, map, Opnd.fp(r.off), Opnd.imm(r.layout.size()), Opnd.imm(0));
            return;
        }
        if (mi.name.equals("snapshot") || mi.name.equals("clear") || mi.name.equals("definition")) {
            throw s.error("call " + what, "JVM only: not available in BPF programs");
        }
        int keyOff = scratchKey(s);
        Opnd key = scalar(s, args[0], what);
        ir.st(d.keySize() == 4 ? Size.W : Size.DW, Opnd.fp(0), keyOff, key);
        boolean array = m.field instanceof LongArrayMap;
        switch (mi.name) {
            case "getOrDefault":
            case "get":
            case "containsKey": {
                int p = helper(Helper.MAP_LOOKUP_ELEM, map, Opnd.fp(keyOff));
                int r = ir.newVreg();
                String miss = newLabel("miss");
                String done = newLabel("done");
                boolean contains = mi.name.equals("containsKey");
                ir.jmp(JumpOp.JEQ, true, Opnd.v(p), Opnd.imm(0), miss);
                if (contains) {
                    ir.mov(r, Opnd.imm(1), false);
                } else {
                    ir.ld(Size.DW, r, Opnd.v(p), 0);
                }
                ir.ja(done);
                label(miss);
                ir.mov(r, contains || array ? Opnd.imm(0) : scalar(s, args[1], what), !contains);
                label(done);
                s.push(new Vr(r, !contains, true, null));
                return;
            }
            case "put": {
                int valOff = scratchValue(s);
                ir.st(Size.DW, Opnd.fp(0), valOff, scalar(s, args[1], what));
                ir.call(Helper.MAP_UPDATE_ELEM, -1, map, Opnd.fp(keyOff), Opnd.fp(valOff), Opnd.imm(0));
                return;
            }
            case "remove":
                ir.call(Helper.MAP_DELETE_ELEM, -1, map, Opnd.fp(keyOff));
                return;
            case "addAndGet": {
                Opnd delta = scalar(s, args[1], what);
                int p = helper(Helper.MAP_LOOKUP_ELEM, map, Opnd.fp(keyOff));
                int r = ir.newVreg();
                String missing = newLabel("insert");
                String done = newLabel("added");
                ir.jmp(JumpOp.JEQ, true, Opnd.v(p), Opnd.imm(0), missing);
                ir.fetchAdd(r, Opnd.v(p), 0, delta);
                ir.alu(AluOp.ADD, true, r, Opnd.v(r), delta);
                ir.ja(done);
                label(missing);
                int valOff = scratchValue(s);
                ir.st(Size.DW, Opnd.fp(0), valOff, delta);
                ir.call(Helper.MAP_UPDATE_ELEM, -1, map, Opnd.fp(keyOff), Opnd.fp(valOff), Opnd.imm(1));
                ir.mov(r, delta, true);
                label(done);
                s.push(new Vr(r, true, true, null));
                return;
            }
            case "add": {
                Opnd delta = scalar(s, args[1], what);
                int p = helper(Helper.MAP_LOOKUP_ELEM, map, Opnd.fp(keyOff));
                String missing = newLabel("insert");
                String done = newLabel("added");
                ir.jmp(JumpOp.JEQ, true, Opnd.v(p), Opnd.imm(0), array ? done : missing);
                ir.atomicAdd(Size.DW, Opnd.v(p), 0, delta);
                if (!array) {
                    ir.ja(done);
                    label(missing);
                    int valOff = scratchValue(s);
                    ir.st(Size.DW, Opnd.fp(0), valOff, delta);
                    // BPF_NOEXIST: another CPU may have inserted the key meanwhile; then this add is lost.
                    ir.call(Helper.MAP_UPDATE_ELEM, -1, map, Opnd.fp(keyOff), Opnd.fp(valOff), Opnd.imm(1));
                }
                label(done);
                return;
            }
            default:
                throw s.error("call " + what, "not a map operation of BPF programs");
        }
    }

    private void contextCall(Scope s, MethodInsnNode mi, String what) {
        Val[] args = popArgs(s, mi.desc);
        Val recv = s.pop();
        if (!(recv instanceof Obj && ((Obj) recv).o instanceof Ctx)) {
            throw s.error(what, "call context methods on the program's context parameter");
        }
        Ctx c = (Ctx) ((Obj) recv).o;
        if (c.type == XdpContext.class) {
            packet(s, c, mi, args, what);
            return;
        }
        if (c.type == PtRegs.class) {
            int off;
            if (mi.name.equals("ret")) {
                off = arch.get().returnValueOffset();
            } else if (mi.name.equals("arg") && args[0] instanceof Imm) {
                int n = (int) ((Imm) args[0]).v;
                if (n < 0 || n >= arch.get().argRegisterCount()) {
                    throw s.error(what, "argument " + n + ": " + arch.get() + " passes " + arch.get().argRegisterCount() + " in registers");
                }
                off = arch.get().argOffset(n);
            } else {
                throw s.error(what, "expected arg(constant) or ret()");
            }
            int t = ir.newVreg();
            ir.ld(Size.DW, t, Opnd.v(c.vreg), off);
            s.push(new Vr(t, true, true, null));
            return;
        }
        if (!(args.length > 0 && args[0] instanceof Imm)) {
            throw s.error(what, "the offset must be a constant: the verifier checks context reads by offset");
        }
        long offset = ((Imm) args[0]).v;
        if (offset < 0 || offset > Short.MAX_VALUE) {
            throw s.error(what, "context offset " + offset + " out of range 0.." + Short.MAX_VALUE);
        }
        int off = (int) offset;
        if (mi.name.equals("dataLocString")) {
            if (!(args[1] instanceof Imm) || ((Imm) args[1]).v < 1 || ((Imm) args[1]).v > MAX_STACK) {
                throw s.error(what, "the size must be a constant in 1.." + MAX_STACK);
            }
            s.push(new Obj(new PendingBytes(PendingBytes.Kind.DATA_LOC_STRING, (int) ((Imm) args[1]).v, c.vreg, off, null)));
            return;
        }
        if (mi.name.equals("read")) {
            StackObj a = array(s, args[1]);
            copy(Opnd.v(c.vreg), off, Opnd.fp(0), a.off, a.size);
            return;
        }
        int bytes = mi.name.equals("u8") ? 1 : mi.name.equals("u16") ? 2 : mi.name.equals("u32") ? 4 : 8;
        int t = ir.newVreg();
        ir.ld(size(bytes), t, Opnd.v(c.vreg), off);
        if (bytes <= 4) {
            fitsU32.set(t);
        }
        if (bytes < 4) {
            maxOf.put(t, (1L << (8 * bytes)) - 1);
        }
        s.push(new Vr(t, bytes == 8, true, null));
    }

    /** Copies {@code n} bytes in the widest loads and stores their alignment allows. */
    private void copy(Opnd from, int fromOff, Opnd to, int toOff, int n) {
        int i = 0;
        while (i < n) {
            int w = 8;
            while (w > n - i || ((fromOff + i) % w) != 0 || ((toOff + i) % w) != 0) {
                w >>= 1;
            }
            int t = ir.newVreg();
            ir.ld(size(w), t, from, fromOff + i);
            ir.st(size(w), to, toOff + i, Opnd.v(t));
            i += w;
        }
    }

    /** {@code ctx.has(n)} until the branch that tests it. */
    private static final class PacketCheck {
        final long bytes;

        PacketCheck(long bytes) {
            this.bytes = bytes;
        }
    }

    private void packet(Scope s, Ctx c, MethodInsnNode mi, Val[] args, String what) {
        if (mi.name.equals("has")) {
            if (!(args[0] instanceof Imm) || ((Imm) args[0]).v < 0 || ((Imm) args[0]).v > 0xffff) {
                throw s.error(what, "the length must be a constant in 0..65535");
            }
            s.push(new Obj(new PacketCheck(((Imm) args[0]).v)));
            return;
        }
        if (mi.name.equals("length")) {
            throw s.error(what, "in BPF the packet's end is a pointer the verifier forbids arithmetic on: read the bytes you need"
                    + " (a read past the end ends the program with XDP_PASS)");
        }
        int bytes = mi.name.equals("u8") ? 1 : mi.name.equals("u16") ? 2 : mi.name.equals("u32") ? 4 : -1;
        if (bytes < 0) {
            throw s.error("call " + what, "not a packet read of BPF programs");
        }
        if (packetLabel == null) {
            packetLabel = newLabel("short");
        }
        int t = ir.newVreg();
        if (args[0] instanceof Imm) {
            long off = ((Imm) args[0]).v;
            if (off < 0 || off > 0xffff) {
                throw s.error(what, "packet offset " + off + " out of range 0..65535");
            }
            long end = off + bytes;
            if (end > checkedPacketEnd) {
                int e = ir.newVreg();
                ir.alu(AluOp.ADD, true, e, Opnd.v(c.data), Opnd.imm(end));
                ir.jmp(JumpOp.JGT, true, Opnd.v(e), Opnd.v(c.end), abortTarget(s, packetLabel));
                checkedPacketEnd = end;
            }
            ir.ld(size(bytes), t, Opnd.v(c.data), (int) off);
        } else {
            Opnd off = scalar(s, args[0], what);
            long k = 0;
            if (off.isV() && affine.containsKey(off.vreg)) {
                long[] f = affine.get(off.vreg);             // offset = base + k: k goes into the load
                off = Opnd.v((int) f[0]);
                k = f[1];
            }
            int p = ir.newVreg();
            int e = ir.newVreg();
            Long max = bound(off);
            long limit = 0xffff - k - bytes;
            if (max == null || max > limit) {
                // The verifier wants the variable part of a packet offset bounded.
                ir.jmp(JumpOp.JGT, true, off, Opnd.imm(limit), abortTarget(s, packetLabel));
            }
            ir.alu(AluOp.ADD, true, p, Opnd.v(c.data), off);
            ir.alu(AluOp.ADD, true, e, Opnd.v(p), Opnd.imm(k + bytes));
            ir.jmp(JumpOp.JGT, true, Opnd.v(e), Opnd.v(c.end), abortTarget(s, packetLabel));
            ir.ld(size(bytes), t, Opnd.v(p), (int) k);
        }
        if (bytes > 1) {
            ir.bswap(t, bytes * 8);
        }
        if (bytes < 4) {
            maxOf.put(t, (1L << (8 * bytes)) - 1);
        }
        s.push(new Vr(t, false, true, null));
    }

    // ---- reservations ---------------------------------------------------------------------------------

    private FieldPath taskPath(Scope s, Val p, String what) {
        if (!(p instanceof Obj && ((Obj) p).o instanceof String)) {
            throw s.error(what, "the field path must be a string constant, e.g. \"real_parent->tgid\"");
        }
        String path = (String) ((Obj) p).o;
        try {
            return btf.get().path("task_struct." + path);
        } catch (RuntimeException e) {
            throw s.error("task field '" + path + "'", e.getMessage());
        }
    }

    /** True for {@code Reservation.set(BytesField, byte[])}: a pending byte array is written straight into the record. */
    private static boolean setsBytes(AbstractInsnNode n) {
        return n instanceof MethodInsnNode && ((MethodInsnNode) n).owner.equals(PKG + "Reservation")
                && ((MethodInsnNode) n).name.equals("set") && ((MethodInsnNode) n).desc.contains("BytesField");
    }

    /** Writes pending byte arrays on the operand stack to the BPF stack (they are used some other way). */
    private void materializePending(Scope s) {
        for (int i = 0; i < s.stack.size(); i++) {
            Val v = s.stack.get(i);
            if (v instanceof Obj && ((Obj) v).o instanceof PendingBytes) {
                PendingBytes p = (PendingBytes) ((Obj) v).o;
                int off = allocate(s, p.size, "byte[" + p.size + "]");
                if (p.kind != PendingBytes.Kind.TASK_BYTES) {
                    // The string helpers write only up to the NUL (6.1's get_current_comm too; later
                    // kernels pad comm): zeroed first, the array holds no older stack bytes.
                    zero(off, (p.size + 7) & ~7);
                }
                fill(s, p, Opnd.fp(off));
                s.stack.set(i, new Obj(new StackObj(off, p.size, null, null, 1, p.size)));
            }
        }
    }

    /** The helper calls that write {@code p} to {@code dst} (an address: the stack's or a reserved record's). */
    private void fill(Scope s, PendingBytes p, Opnd dst) {
        switch (p.kind) {
            case COMM:
                ir.call(Helper.GET_CURRENT_COMM, -1, dst, Opnd.imm(p.size));
                return;
            case DATA_LOC_STRING: {
                // __data_loc: the string's offset in the record in the low 16 bits, its length above.
                int loc = ir.newVreg();
                ir.ld(Size.W, loc, Opnd.v(p.ctxVreg), p.offset);
                ir.alu(AluOp.AND, true, loc, Opnd.v(loc), Opnd.imm(0xffff));
                int src = ir.newVreg();
                ir.alu(AluOp.ADD, true, src, Opnd.v(p.ctxVreg), Opnd.v(loc));
                ir.call(Helper.PROBE_READ_KERNEL_STR, -1, dst, Opnd.imm(p.size), Opnd.v(src));
                return;
            }
            default: {
                int ptr = helper(Helper.GET_CURRENT_TASK);
                List<io.bpf4j.structs.btf.FieldPath.Hop> hops = p.path.hops();
                for (int i = 0; i < hops.size(); i++) {
                    long hopOff = hops.get(i).offset();
                    if (hopOff > Integer.MAX_VALUE) {
                        throw s.error("task field '" + p.path.expression() + "'", "offset " + hopOff + " does not fit an immediate");
                    }
                    int at = ir.newVreg();
                    ir.alu(AluOp.ADD, true, at, Opnd.v(ptr), Opnd.imm(hopOff));
                    if (i == hops.size() - 1) {
                        ir.call(Helper.PROBE_READ_KERNEL, -1, dst, Opnd.imm(p.size), Opnd.v(at));
                    } else {
                        int slot = scratchKey(s);
                        ir.call(Helper.PROBE_READ_KERNEL, -1, Opnd.fp(slot), Opnd.imm(8), Opnd.v(at));
                        ptr = ir.newVreg();
                        ir.ld(Size.DW, ptr, Opnd.fp(0), slot);
                    }
                }
            }
        }
    }

    /** {@code if (e == null)} on a reservation: the jump and the fall-through each learn what e is. */
    private boolean nullCheck(Scope s, ResObj r, boolean jumpIfNull, JumpInsnNode j) {
        RefSt st = refs.get(r);
        RefSt.S state = RefSt.state(st);
        if (state == RefSt.S.CLOSED || state == RefSt.S.MIXED) {
            requireLive(s, r, "null check");
        }
        java.util.BitSet set = st.set;
        RefSt live = new RefSt(RefSt.S.LIVE, (java.util.BitSet) set.clone(), "open");
        RefSt isNull = new RefSt(RefSt.S.CLOSED, new java.util.BitSet(), "null (the ring was full)");
        normalize(s, j.label);
        ir.jmp(jumpIfNull ? JumpOp.JEQ : JumpOp.JNE, true, Opnd.v(r.vreg), Opnd.imm(0), s.label(j.label));
        refs.put(r, jumpIfNull ? isNull : live);
        edge(s, s.label(j.label), checkedPacketEnd);
        refs.put(r, jumpIfNull ? live : isNull);
        return true;
    }

    private void reservationCall(Scope s, MethodInsnNode mi) {
        Val[] args = popArgs(s, mi.desc);
        Val recv = s.pop();
        String call = "Reservation." + mi.name + "()";
        if (!(recv instanceof Obj && ((Obj) recv).o instanceof ResObj)) {
            throw s.error(call, "call it on a reservation this program made with RingBuffer.reserve()");
        }
        ResObj r = (ResObj) ((Obj) recv).o;
        RefSt st = requireLive(s, r, call);
        String type = r.recordType.getSimpleName();
        switch (mi.name) {
            case "set": {
                if (!(args[0] instanceof Obj && ((Obj) args[0]).o instanceof Vals.Accessor)) {
                    throw s.error(call, "name the field with a method reference to the record's accessor, e.g. " + type + "::pid");
                }
                Vals.Accessor a = (Vals.Accessor) ((Obj) args[0]).o;
                if (!a.owner.equals(Type.getInternalName(r.recordType)) || !r.layout.hasField(a.name)) {
                    throw s.error(call, a.owner.substring(a.owner.lastIndexOf('/') + 1) + "::" + a.name
                            + " is not a component of " + type + ": name one of " + type + "'s accessors");
                }
                Field f = r.layout.field(a.name);
                Val v = args[1];
                String what = "value of " + type + "." + a.name;
                if (f.kind() == Field.Kind.SCALAR) {
                    ir.st(size(f.size()), Opnd.v(r.vreg), f.offset(), scalar(s, v, what));
                } else if (f.kind() == Field.Kind.STRUCT) {
                    throw s.error(call, "nested record " + type + "." + a.name + " cannot be set in place yet: flatten it");
                } else if (v instanceof Obj && ((Obj) v).o instanceof PendingBytes) {
                    PendingBytes p = (PendingBytes) ((Obj) v).o;
                    if (p.size != f.size()) {
                        throw s.error(call, what + ": " + p.size + " bytes for a field of " + f.size() + ": they must be equal");
                    }
                    if (p.kind == PendingBytes.Kind.COMM) {
                        // 6.1's bpf_get_current_comm stops at the NUL: clear the field first, so the
                        // record is the same on every kernel (and on the JVM). A string read from a
                        // tracepoint is left as C leaves it: clearing 256 bytes would cost 32 stores.
                        zeroRange(Opnd.v(r.vreg), f.offset(), f.offset() + f.size());
                    }
                    Opnd dst = Opnd.v(r.vreg);
                    if (f.offset() != 0) {
                        int t = ir.newVreg();
                        ir.alu(AluOp.ADD, true, t, Opnd.v(r.vreg), Opnd.imm(f.offset()));
                        dst = Opnd.v(t);
                    }
                    fill(s, p, dst);                               // the helper writes into the ring
                } else if (v instanceof Obj && ((Obj) v).o instanceof StackObj && ((StackObj) ((Obj) v).o).isArray()) {
                    StackObj src = (StackObj) ((Obj) v).o;
                    if (src.size != f.size()) {
                        throw s.error(call, what + ": an array of " + src.size + " bytes for a field of " + f.size()
                                + ": they must be equal");
                    }
                    copy(src.baseVreg >= 0 ? Opnd.v(src.baseVreg) : Opnd.fp(0), src.off, Opnd.v(r.vreg), f.offset(), f.size());
                } else {
                    throw s.error(call, what + ": expected a byte array made in this program");
                }
                st.set.set(r.layout.fields().indexOf(f));
                return;
            }
            case "submit": {
                long flags = 0;
                if (args.length == 1) {
                    if (!(args[0] instanceof Imm)) {
                        throw s.error(call, "the flags must be a constant (Reservation.NO_WAKEUP or FORCE_WAKEUP)");
                    }
                    flags = ((Imm) args[0]).v;
                }
                List<String> unset = new ArrayList<>();
                boolean[] covered = new boolean[r.layout.size()];
                for (int i = 0; i < r.layout.fields().size(); i++) {
                    Field f = r.layout.fields().get(i);
                    if (!st.set.get(i)) {
                        unset.add(f.name());
                    }
                    java.util.Arrays.fill(covered, f.offset(), f.offset() + f.size(), true);
                }
                if (!unset.isEmpty()) {
                    throw s.error(call, type + "." + String.join(", " + type + ".", unset) + (unset.size() == 1 ? " is" : " are")
                            + " not set on every path to this submit: the kernel does not clear reserved memory (the"
                            + " reader would get an older event's bytes), so set every field (to 0 if it has no value)");
                }
                zeroPadding(Opnd.v(r.vreg), covered);
                ir.call(Helper.RINGBUF_SUBMIT, -1, Opnd.v(r.vreg), Opnd.imm(flags));
                refs.put(r, new RefSt(RefSt.S.CLOSED, new java.util.BitSet(), "submitted at line " + s.line));
                return;
            }
            case "discard":
                ir.call(Helper.RINGBUF_DISCARD, -1, Opnd.v(r.vreg), Opnd.imm(0));
                refs.put(r, new RefSt(RefSt.S.CLOSED, new java.util.BitSet(), "discarded at line " + s.line));
                return;
            default:
                throw s.error(call, "not an operation of a reservation in BPF programs (set, submit, discard)");
        }
    }

    /** Zeroes bytes {@code from..to} of a record at {@code base} (8-byte aligned), in the widest aligned stores. */
    private void zeroRange(Opnd base, int from, int to) {
        boolean[] covered = new boolean[to];
        java.util.Arrays.fill(covered, 0, from, true);
        zeroPadding(base, covered);
    }

    /** Zeroes the bytes no field covers (padding), in the widest aligned stores. */
    private void zeroPadding(Opnd base, boolean[] covered) {
        int i = 0;
        while (i < covered.length) {
            if (covered[i]) {
                i++;
                continue;
            }
            int end = i;
            while (end < covered.length && !covered[end]) {
                end++;
            }
            while (i < end) {
                int w = 8;
                while (w > 1 && (i % w != 0 || i + w > end)) {
                    w >>= 1;
                }
                ir.st(size(w), base, i, Opnd.imm(0));
                i += w;
            }
        }
    }

    // ---- records --------------------------------------------------------------------------------------

    private final Map<Class<?>, StructLayout> layouts = new HashMap<>();

    private void construct(Scope s, MethodInsnNode mi) {
        Val[] args = popArgs(s, mi.desc);
        Val recv = s.pop();
        if (!(recv instanceof Obj && ((Obj) recv).o instanceof PendingNew)) {
            throw s.error("constructor call " + mi.owner.replace('/', '.'), "only records are constructed in BPF programs");
        }
        PendingNew p = (PendingNew) ((Obj) recv).o;
        Class<?> type;
        try {
            type = Class.forName(p.internalName.replace('/', '.'), false, root.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw s.error("new " + p.internalName, "class not found");
        }
        if (!type.isRecord()) {
            throw s.error("new " + type.getSimpleName(), "only records live on the BPF stack (other objects would escape to the heap)");
        }
        StructLayout layout;
        try {
            layout = layouts.computeIfAbsent(type, t -> StructLayout.of(t.asSubclass(Record.class)));
        } catch (RuntimeException e) {
            throw s.error("record " + type.getSimpleName(), e.getMessage());
        }
        int off = allocate(s, layout.size(), "record " + type.getSimpleName());
        StackObj r = new StackObj(off, layout.size(), layout, type, 0, 0);
        RecordComponent[] comps = type.getRecordComponents();
        boolean[] covered = new boolean[layout.size()];
        for (int i = 0; i < comps.length; i++) {
            Field f = layout.field(comps[i].getName());
            Val v = args[i];
            if (f.kind() == Field.Kind.SCALAR) {
                ir.st(size(f.size()), Opnd.fp(0), off + f.offset(), scalar(s, v, "component " + comps[i].getName()));
            } else if (v instanceof Obj && ((Obj) v).o instanceof StackObj) {
                StackObj src = (StackObj) ((Obj) v).o;
                if (src.size < f.size() && !(src.isArray() && src.size == f.size())) {
                    if (src.size != f.size()) {
                        throw s.error("component " + comps[i].getName(), src.size + " bytes given for a field of " + f.size());
                    }
                }
                copy(Opnd.fp(0), src.off, Opnd.fp(0), off + f.offset(), Math.min(src.size, f.size()));
                if (src.size < f.size()) {
                    zero(off + f.offset() + src.size, 0);
                }
            } else {
                throw s.error("component " + comps[i].getName() + " of " + type.getSimpleName(),
                        "arrays and nested records must be built in the program (a String cannot be: use byte[])");
            }
            for (int b = f.offset(); b < f.offset() + f.size(); b++) {
                covered[b] = true;
            }
        }
        // Padding must be written too: helpers refuse to read uninitialized stack bytes.
        for (int b = 0; b < covered.length; b++) {
            if (!covered[b]) {
                ir.st(Size.B, Opnd.fp(0), off + b, Opnd.imm(0));
            }
        }
        p.made = r;
        Obj made = new Obj(r);
        for (int i = 0; i < s.stack.size(); i++) {
            if (s.stack.get(i) == recv || (s.stack.get(i) instanceof Obj && ((Obj) s.stack.get(i)).o == p)) {
                s.stack.set(i, made);
            }
        }
    }

    private void accessor(Scope s, StackObj r, MethodInsnNode mi) {
        if (!r.layout.hasField(mi.name)) {
            throw s.error("call " + r.recordType.getSimpleName() + "." + mi.name + "()", "only the record's accessors can be called in BPF programs");
        }
        Field f = r.layout.field(mi.name);
        Type t = Type.getReturnType(mi.desc);
        if (f.kind() == Field.Kind.SCALAR) {
            int v = ir.newVreg();
            ir.ld(size(f.size()), v, Opnd.fp(0), r.off + f.offset());
            boolean wide = t.getSort() == Type.LONG;
            int regBits = wide ? 64 : 32;
            int fieldBits = f.size() * 8;
            // The component's Java type says how its bits extend when it is as wide as the field
            // (a short in a u16 comes back negative); otherwise the field's C type does, as decoding would.
            int javaBits = t.getSort() == Type.BYTE || t.getSort() == Type.BOOLEAN ? 8
                    : t.getSort() == Type.SHORT || t.getSort() == Type.CHAR ? 16 : regBits;
            boolean javaSigned = t.getSort() != Type.CHAR && t.getSort() != Type.BOOLEAN;
            boolean signed = fieldBits == javaBits ? javaSigned : f.type().signed();
            if (signed && fieldBits < regBits) {
                int sh = regBits - fieldBits;
                ir.alu(AluOp.LSH, wide, v, Opnd.v(v), Opnd.imm(sh));
                ir.alu(AluOp.ARSH, wide, v, Opnd.v(v), Opnd.imm(sh));
            }
            s.push(new Vr(v, wide, true, null));
            return;
        }
        if (f.kind() == Field.Kind.STRUCT) {
            s.push(new Obj(new StackObj(r.off + f.offset(), f.size(), f.struct(), t.getSort() == Type.OBJECT ? classOf(s, t) : null, 0, 0)));
            return;
        }
        s.push(new Obj(new StackObj(r.off + f.offset(), f.size(), null, null, f.elementSize(), f.count())));
    }

    private Class<?> classOf(Scope s, Type t) {
        try {
            return Class.forName(t.getClassName(), false, root.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw s.error("type " + t.getClassName(), "not found");
        }
    }

    // ---- inlining -------------------------------------------------------------------------------------

    private void inline(Scope s, MethodInsnNode mi) {
        String key = mi.owner + "." + mi.name + mi.desc;
        if (inlining.contains(key)) {
            throw s.error("recursive call " + mi.name, "BPF programs cannot recurse: write a bounded loop");
        }
        if (inlining.size() > MAX_INLINE_DEPTH) {
            throw s.error("call " + mi.name, "calls nested more than " + MAX_INLINE_DEPTH + " deep");
        }
        ClassNode cn = classNode(mi.owner, s);
        MethodNode mn = findMethod(cn, mi.name, mi.desc, s);
        Val[] args = popArgs(s, mi.desc);
        Scope callee = new Scope(cn, mn, false);
        callee.line = s.line;
        countStores(callee);
        Type[] types = Type.getArgumentTypes(mi.desc);
        int slot = 0;
        for (int i = 0; i < args.length; i++) {
            Val a = args[i];
            boolean wide = types[i].getSize() == 2 || types[i].getSort() == Type.OBJECT;
            if (a instanceof Obj) {
                callee.localObj.put(slot, a);
            } else if (a instanceof Imm && callee.stores.getOrDefault(slot, 0) == 0) {
                callee.localConst.put(slot, (Imm) a);
            } else if (a instanceof Vr && ((Vr) a).temp) {
                callee.localV.put(slot, ((Vr) a).v);
                if (((Vr) a).ptr != null) {
                    callee.localPtr.put(slot, ((Vr) a).ptr);
                }
            } else {
                int v = callee.local(slot);
                ir.mov(v, opnd(a), wide || (a instanceof Imm && ((Imm) a).wide));
                if (a instanceof Vr && ((Vr) a).ptr != null) {
                    callee.localPtr.put(slot, ((Vr) a).ptr);
                }
            }
            slot += types[i].getSize();
        }
        Type ret = Type.getReturnType(mi.desc);
        callee.retLabel = newLabel("ret");
        callee.retWide = ret.getSize() == 2;
        if (ret.getSort() != Type.VOID && ret.getSort() != Type.OBJECT && ret.getSort() != Type.ARRAY) {
            callee.retV = ir.newVreg();
        }
        inlining.add(key);
        body(callee);
        inlining.remove(inlining.size() - 1);
        Map<ResObj, RefSt> returned = edgeRefs.remove(callee.retLabel);
        if (returned != null) {
            refs = returned;
        }
        label(callee.retLabel);
        at(s);
        if (callee.retObj != null) {
            s.push(callee.retObj);
        } else if (callee.retV >= 0) {
            s.push(new Vr(callee.retV, callee.retWide, true, null));
        }
    }
}
