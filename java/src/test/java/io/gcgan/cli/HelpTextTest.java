package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The layout of every command's --help as a terminal of picocli's width shows it: an example longer than the width is
 * broken into a line of its own at the left margin, and an option description written as several strings starts
 * each of them as a new line at the description's first column.
 */
class HelpTextTest {

    private static List<CommandLine> commands() {
        CommandLine main = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<CommandLine> all = new ArrayList<>();
        all.add(main);
        all.addAll(main.getSubcommands().values());
        return all;
    }

    @Test
    void examplesFitTheHelpWidth() {
        List<String> tooLong = new ArrayList<>();
        for (CommandLine c : commands()) {
            int width = c.getCommandSpec().usageMessage().width();
            for (String line : c.getCommandSpec().usageMessage().footer()) {
                if (line.length() > width) {
                    tooLong.add(c.getCommandName() + ": " + line.length() + " > " + width + ": " + line);
                }
            }
        }
        assertEquals(List.of(), tooLong, "footer lines that picocli wraps to the left margin");
    }

    @Test
    void optionDescriptionsAreOneParagraph() {
        List<String> split = new ArrayList<>();
        for (CommandLine c : commands()) {
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (o.description().length > 1) {
                    split.add(c.getCommandName() + " " + o.longestName() + ": " + List.of(o.description()));
                }
            }
        }
        assertEquals(List.of(), split, "descriptions of several strings print as several lines");
    }

    /**
     * picocli may break a line after a dot inside a word: "scores." at the end of one line, "csv" at the start of the
     * next. A file name in a description must not be split so.
     */
    @Test
    void fileNamesAreNotSplitAtTheirDot() {
        Pattern end = Pattern.compile("([A-Za-z0-9_*-]+)\\.$");
        Pattern start = Pattern.compile(
                "^\\s*(csv|png|json|txt|safetensors|gz|ubyte|md|jpg|jpeg)\\b.*");
        List<String> split = new ArrayList<>();
        for (CommandLine c : commands()) {
            String[] lines = c.getUsageMessage().split("\\R");
            for (int i = 0; i + 1 < lines.length; i++) {
                Matcher m = end.matcher(lines[i].stripTrailing());
                if (m.find() && start.matcher(lines[i + 1]).matches()) {
                    split.add(c.getCommandName() + ": '" + lines[i].strip() + "' / '" + lines[i + 1].strip() + "'");
                }
            }
        }
        assertEquals(List.of(), split, "file names split across lines");
    }

    @Test
    void theGcOptionReadsAsOneParagraph() {
        CliRunner.Result r = CliRunner.run("train", "--help");
        int at = r.out().indexOf("--gc=MODE");
        assertTrue(at >= 0, r.toString());
        String block = r.out().substring(at, r.out().indexOf("--g-gc=MODE", at)).stripTrailing();
        String[] lines = block.split("\n");
        for (int i = 1; i < lines.length; i++) {
            assertTrue(lines[i].startsWith("                               "), "--gc's description breaks: " + block);
        }
    }
}
