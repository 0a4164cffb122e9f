package io.bpf4j.examples.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.core.Program;
import io.bpf4j.examples.Bpf4j;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The profile command line: usage errors before anything is loaded, and what --help promises. */
class ProfileCommandTest {
    private static String[] run(String... args) {
        CommandLine cl = Bpf4j.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new String[] {String.valueOf(exit), out.toString(), err.toString()};
    }

    @Test
    void helpTellsJavaUsersAboutPreserveFramePointerAndThePerfMap() {
        String[] r = run("profile", "--help");
        assertEquals("0", r[0]);
        String help = r[1].replaceAll("\\s+", " ");
        assertTrue(help.contains("-XX:+PreserveFramePointer"), help);
        assertTrue(help.contains("jcmd PID Compiler.perfmap"), help);
        assertTrue(help.contains("Inlined methods are not in a perf map"), help);
        for (String option : new String[] {"-F", "-c", "-p", "--tid", "-U", "-K", "--duration", "--folded", "-o", "--top"}) {
            assertTrue(help.contains(" " + option + ",") || help.contains(" " + option + "=") || help.contains(" " + option + " "),
                    option + " in " + help);
        }
    }

    @Test
    void contradictoryOptionsAreUsageErrors() {
        String[] both = run("profile", "-F", "99", "-c", "1000000");
        assertEquals("2", both[0]);
        assertTrue(both[2].startsWith("give -F HZ or -c PERIOD, not both"), both[2]);
        String[] uk = run("profile", "-U", "-K");
        assertEquals("2", uk[0]);
        assertTrue(uk[2].startsWith("-U (user stacks only) and -K (kernel stacks only) exclude each other"), uk[2]);
        String[] zero = run("profile", "-F", "0");
        assertEquals("2", zero[0]);
        assertTrue(zero[2].startsWith("-F 0: expected 1..100000 Hz"), zero[2]);
    }

    @Test
    void aProcessThatDoesNotExistIsAUsageError() {
        String[] r = run("profile", "-p", "2147483647");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("-p 2147483647: no such process"), r[2]);
    }

    @Test
    void theSamplerAssemblesForEveryFilterAndStackChoice() {
        int plain = new ProfilePrograms(ProfilePrograms.Filter.all(), true, true).sampler().assemble().length;
        int filtered = new ProfilePrograms(new ProfilePrograms.Filter(42, 43), true, true).sampler().assemble().length;
        int userOnly = new ProfilePrograms(ProfilePrograms.Filter.all(), true, false).sampler().assemble().length;
        assertTrue(filtered > plain, "the pid and tid checks add instructions");
        assertTrue(userOnly < plain, "no kernel stack walk with -U");
        Program p = new ProfilePrograms(ProfilePrograms.Filter.all(), false, true).sampler();
        assertTrue(p.assemble().length > 0);
    }
}
