package io.bpf4j.examples;

import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The filters of execsnoop that run in user space, as bcc's do: {@code -n NAME} (a regular
 * expression searched in comm), {@code -l TEXT} (searched in the space-separated arguments) and
 * {@code -P PPID}. The uid and cgroup filters run in the kernel instead.
 *
 * <pre>{@code
 * ExecFilter f = new ExecFilter(Pattern.compile("^ls$"), null, null);
 * f.test(event);     // true for an exec of ls
 * }</pre>
 *
 * @param name comm must contain a match, if not null
 * @param line the arguments must contain a match, if not null
 * @param ppid the parent must be this process, if not null
 */
public record ExecFilter(Pattern name, Pattern line, Integer ppid) implements Predicate<ExecEvent> {
    /** Compiles the options, or fails naming the option whose expression does not compile. */
    static ExecFilter of(String name, String line, Integer ppid) {
        return new ExecFilter(compile("--name", name), compile("--line", line), ppid);
    }

    private static Pattern compile(String option, String regex) {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new CliValues.BadValue(option + " '" + regex + "': not a regular expression: "
                    + e.getDescription());
        }
    }

    @Override
    public boolean test(ExecEvent e) {
        return (ppid == null || e.ppid() == ppid)
                && (name == null || name.matcher(e.comm()).find())
                && (line == null || line.matcher(String.join(" ", e.args())).find());
    }
}
