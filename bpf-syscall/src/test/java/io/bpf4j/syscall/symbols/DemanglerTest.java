package io.bpf4j.syscall.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Mangled names seen in profiles of HotSpot (libjvm.so, OpenJDK 17) and small constructed ones;
 * the expected qualified names are c++filt's output (GNU binutils 2.40) with the parameter list
 * and qualifiers removed, and template arguments shown as {@code <>}.
 */
class DemanglerTest {
    @Test
    void qualifiedNamesLoseTheirParameterTypes() {
        assertEquals("JavaCalls::call_helper",
                Demangler.simple("_ZN9JavaCalls11call_helperEP9JavaValueRK12methodHandleP17JavaCallArgumentsP10JavaThread"));
        assertEquals("Thread::call_run", Demangler.simple("_ZN6Thread8call_runEv"));
        assertEquals("MemAllocator::allocate", Demangler.simple("_ZNK12MemAllocator8allocateEv"));
        assertEquals("JavaThread::thread_main_inner", Demangler.simple("_ZN10JavaThread17thread_main_innerEv"));
    }

    @Test
    void internalLinkageFreeFunctionsAndClones() {
        assertEquals("thread_native_entry", Demangler.simple("_ZL19thread_native_entryP6Thread"));
        assertEquals("add", Demangler.simple("_Z3addii"));
        assertEquals("jni_invoke_static.constprop.1", Demangler.simple("_ZL17jni_invoke_staticP7JNIEnv_P9JavaValueP8_jobject"
                + "11JNICallTypeP10_jmethodIDP18JNI_ArgumentPusherP10JavaThread.constprop.1"));
    }

    @Test
    void constructorsDestructorsAndTemplates() {
        assertEquals("Foo::Foo", Demangler.simple("_ZN3FooC2Ev"));
        assertEquals("Foo::~Foo", Demangler.simple("_ZN3FooD1Ev"));
        assertEquals("AccessInternal::PostRuntimeDispatch<>::oop_access_barrier", Demangler.simple(
                "_ZN14AccessInternal19PostRuntimeDispatchIN12G1BarrierSet13AccessBarrierILm299110ES1_EE"
                + "LNS_11BarrierTypeE3ELm299110EE18oop_access_barrierEP7oopDescl"));
    }

    @Test
    void whatItCannotReadIsLeftAlone() {
        for (String s : new String[] {"main", "_Z", "_ZN3FooE", "_ZN99FooEv", "_ZNSt6vectorIiSaIiEE9push_backERKi",
                "_ZN3FooplERKS_", "_ZN3FooIiE"}) {
            String out = Demangler.simple(s);
            assertEquals(s.equals("_ZN3FooE") ? "Foo" : s, out, s);
        }
    }
}
