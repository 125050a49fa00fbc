package dev.faultline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md and docs/alerts.md name only settings, topics and headers that exist, and
 * their faultline command lines parse.
 */
class DocsConsistencyTest {
  private static final List<String> DOCS = List.of("docs/operations.md", "docs/alerts.md");
  private static final Pattern NAME = Pattern.compile("`(faultline\\.[a-z0-9.]*[a-z0-9])(\\.\\*)?");

  @Test
  void everyDottedFaultlineNameIsASettingATopicOrAHeader() {
    Set<String> known = new TreeSet<>(Code.configKeys());
    known.addAll(Code.topicNames());
    known.addAll(Code.deadLetterHeaders());
    for (String doc : DOCS) {
      Matcher matcher = NAME.matcher(DeployFiles.text(DeployFiles.REPOSITORY.resolve(doc)));
      Set<String> named = new TreeSet<>();
      while (matcher.find()) {
        String name = matcher.group(1);
        if (name.endsWith(".properties")) {
          continue; // a file name (faultline.properties), not a setting
        }
        if (matcher.group(2) != null) {
          // A family of keys, e.g. faultline.detect.*: some key must start with it.
          assertThat(known).as("%s in %s", name, doc).anyMatch(k -> k.startsWith(name + "."));
        } else {
          named.add(name);
        }
      }
      assertThat(named).as(doc).isNotEmpty();
      assertThat(known).as("names in %s", doc).containsAll(named);
    }
  }

  @Test
  void everyFaultlineCommandInACodeBlockParses() {
    int commands = 0;
    for (String doc : DOCS) {
      for (List<String> command : commands(DeployFiles.REPOSITORY.resolve(doc))) {
        Code.parse(command);
        commands++;
      }
    }
    assertThat(commands).isGreaterThanOrEqualTo(3);
  }

  @Test
  void theIncidentExampleIsAValidIncident() throws Exception {
    String doc = DeployFiles.text(DeployFiles.REPOSITORY.resolve("docs/alerts.md"));
    int start = doc.indexOf("```json\n");
    assertThat(start).as("a json block in docs/alerts.md").isNotNegative();
    String example = doc.substring(start + 8, doc.indexOf("```", start + 8));

    assertThat(IncidentSchema.violations(example)).as(example).isEmpty();
    assertThat(dev.faultline.schemas.incident.IncidentJson.read(example).id()).isNotBlank();
  }

  /** The faultline command lines of a markdown file's fenced blocks, split into arguments. */
  private static List<List<String>> commands(Path file) {
    List<List<String>> commands = new ArrayList<>();
    boolean fenced = false;
    StringBuilder pending = null;
    for (String line : DeployFiles.text(file).lines().toList()) {
      if (line.startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (!fenced) {
        continue;
      }
      String text = line.strip();
      if (pending == null && (text.startsWith("faultline ") || text.startsWith("./faultline "))) {
        pending = new StringBuilder();
      }
      if (pending == null) {
        continue;
      }
      int comment = text.indexOf(" #");
      if (comment >= 0) {
        text = text.substring(0, comment);
      }
      if (text.endsWith("\\")) {
        pending.append(text, 0, text.length() - 1).append(' ');
        continue;
      }
      pending.append(text);
      commands.add(split(pending.toString()));
      pending = null;
    }
    return commands;
  }

  private static List<String> split(String line) {
    List<String> args = new ArrayList<>();
    Matcher matcher = Pattern.compile("'([^']*)'|\"([^\"]*)\"|(\\S+)").matcher(line);
    while (matcher.find()) {
      String arg =
          matcher.group(1) != null
              ? matcher.group(1)
              : matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
      args.add(arg);
    }
    return args.subList(1, args.size());
  }
}
