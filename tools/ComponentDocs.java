import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Fills the option and header tables of a component's Camel-format documentation,
 * {@code src/main/docs/<scheme>-component.adoc}, from the component JSON that camel-component-maven-plugin wrote
 * into {@code src/generated/resources}, so the docs cannot drift from the code. Run by every component module's
 * build (the parent pom's camel-component profile) right after the JSON is generated.
 * <p>
 * Camel's own update-readme goal only writes Antora include lines whose tables the Camel website renders; this
 * writes the tables themselves, in the layout Camel used between the same markers
 * ({@code // component options: START} ... {@code END}), and the header attributes above
 * {@code //Manually maintained attributes}. Everything else in the file is prose and stays as written.
 * <p>
 * Usage: {@code java -cp <classpath with Jackson> ComponentDocs.java <module dir>}
 */
public class ComponentDocs {

    private static final String MANUAL_MARKER = "//Manually maintained attributes";

    public static void main(String[] args) throws Exception {
        Path module = Path.of(args[0]);
        Path generated = module.resolve("src/generated/resources/META-INF");
        List<Path> jsons = List.of();
        if (Files.isDirectory(generated)) {
            try (Stream<Path> files = Files.walk(generated)) {
                jsons = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            }
        }
        int written = 0;
        for (Path json : jsons) {
            @SuppressWarnings("unchecked")
            Map<String, Object> model = new ObjectMapper().readValue(json.toFile(), LinkedHashMap.class);
            Map<String, Object> component = map(model.get("component"));
            if (component == null || !"component".equals(component.get("kind"))) {
                continue;
            }
            Path adoc = module.resolve("src/main/docs/" + component.get("scheme") + "-component.adoc");
            if (!Files.exists(adoc)) {
                throw new IllegalStateException(adoc + " does not exist. Fix: create it with the markers of"
                                                + " camel-dblog-mysql/src/main/docs/mysqlbinlog-component.adoc.");
            }
            String before = Files.readString(adoc, StandardCharsets.UTF_8);
            String after = fill(before, model, adoc);
            if (!after.equals(before)) {
                Files.writeString(adoc, after, StandardCharsets.UTF_8);
                System.out.println("[component-docs] updated " + adoc);
            }
            written++;
        }
        if (written == 0) {
            // camel-dblog-core uses the generator for its type converters only: it has no component to document
            System.out.println("[component-docs] no component JSON under " + generated + ": no component docs");
        }
    }

    static String fill(String doc, Map<String, Object> model, Path adoc) {
        Map<String, Object> component = map(model.get("component"));
        String title = str(component.get("title"));
        doc = replaceHeader(doc, component, adoc);
        doc = replaceBetween(doc, "component-configure options", configureSection(component), adoc);
        doc = replaceBetween(doc, "component options",
                optionsSection("=== Component Options", "The " + title + " component supports %d options, which are"
                                                    + " listed below.", map(model.get("componentProperties"))),
                adoc);
        doc = replaceBetween(doc, "endpoint options", endpointSection(component, map(model.get("properties"))), adoc);
        doc = replaceBetween(doc, "component headers", headersSection(title, map(model.get("headers"))), adoc);
        return doc;
    }

    /** The title line and the attributes Camel's tooling owns, up to the manually maintained ones. */
    private static String replaceHeader(String doc, Map<String, Object> c, Path adoc) {
        int manual = doc.indexOf(MANUAL_MARKER);
        if (manual < 0) {
            throw new IllegalStateException(adoc + " has no '" + MANUAL_MARKER + "' line. Fix: put it after the"
                                            + " generated attributes at the top of the file.");
        }
        String since = str(c.get("firstVersion")).replaceAll("^(\\d+\\.\\d+).*", "$1");
        boolean consumerOnly = Boolean.TRUE.equals(c.get("consumerOnly"));
        boolean producerOnly = Boolean.TRUE.equals(c.get("producerOnly"));
        String header = "= " + c.get("title") + " Component\n"
                        + ":doctitle: " + c.get("title") + "\n"
                        + ":shortname: " + c.get("scheme") + "\n"
                        + ":artifactid: " + c.get("artifactId") + "\n"
                        + ":description: " + text(str(c.get("description"))) + "\n"
                        + ":since: " + since + "\n"
                        + ":supportlevel: " + c.get("supportLevel") + "\n"
                        + ":tabs-sync-option:\n"
                        + ":component-header: " + (consumerOnly ? "Only consumer is supported"
                                : producerOnly ? "Only producer is supported" : "Both producer and consumer are supported")
                        + "\n";
        return header + doc.substring(manual);
    }

    private static String replaceBetween(String doc, String marker, String content, Path adoc) {
        String start = "// " + marker + ": START";
        String end = "// " + marker + ": END";
        int s = doc.indexOf(start);
        int e = doc.indexOf(end);
        if (s < 0 || e < s) {
            throw new IllegalStateException(adoc + " lacks the markers '" + start + "' ... '" + end + "'. Fix: add"
                                            + " them where the generated section belongs.");
        }
        return doc.substring(0, s + start.length()) + "\n" + content + doc.substring(e);
    }

    private static String configureSection(Map<String, Object> c) {
        String title = str(c.get("title"));
        return "== Configuring Options\n\n"
               + "Camel components are configured on two separate levels: the component level (options shared by"
               + " every endpoint of the component, set on the component or as `camel.component." + c.get("scheme") + ".*`"
               + " properties) and the endpoint level (options in the URI or its `parameters`). The " + title
               + " component has Camel's component-level options only; connection options are endpoint options.\n\n";
    }

    private static String endpointSection(Map<String, Object> c, Map<String, Object> properties) {
        Map<String, Object> path = new LinkedHashMap<>();
        Map<String, Object> query = new LinkedHashMap<>();
        properties.forEach((k, v) -> ("path".equals(map(v).get("kind")) ? path : query).put(k, v));
        return "=== Endpoint Options\n\n"
               + "The " + c.get("title") + " endpoint is configured using URI syntax:\n\n"
               + "----\n" + c.get("syntax") + "\n----\n\n"
               + "With the following path and query parameters:\n\n"
               + optionsSection("==== Path Parameters (" + path.size() + " parameters)", null, path)
               + optionsSection("==== Query Parameters (" + query.size() + " parameters)", null, query);
    }

    private static String optionsSection(String heading, String intro, Map<String, Object> options) {
        StringBuilder out = new StringBuilder(heading + "\n\n");
        if (intro != null) {
            out.append(String.format(intro, options.size())).append("\n\n");
        }
        out.append("[width=\"100%\",cols=\"2,5,^1,2\",options=\"header\"]\n|===\n| Name | Description | Default | Type\n");
        options.forEach((name, value) -> {
            Map<String, Object> o = map(value);
            StringBuilder description = new StringBuilder();
            if (Boolean.TRUE.equals(o.get("required"))) {
                description.append("*Required* ");
            }
            description.append(cell(str(o.get("description"))));
            if (o.get("enum") instanceof List<?> values) {
                description.append(description.toString().endsWith(".") ? " " : ". ").append("Enum values: ").append(String.join(", ", values.stream().map(String::valueOf).toList()))
                        .append(".");
            }
            out.append("| *").append(name).append("* (").append(o.get("group")).append(") | ")
                    .append(description).append(" | ").append(cell(str(o.get("defaultValue")))).append(" | ")
                    .append(type(o)).append("\n");
        });
        return out.append("|===\n\n").toString();
    }

    private static String headersSection(String title, Map<String, Object> headers) {
        if (headers == null || headers.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("=== Message Headers\n\nThe " + title + " component supports "
                                              + headers.size() + " message headers, which are listed below:\n\n");
        out.append("[width=\"100%\",cols=\"2,5,^1,2\",options=\"header\"]\n|===\n| Name | Description | Default | Type\n");
        headers.forEach((name, value) -> {
            Map<String, Object> h = map(value);
            String constant = str(h.get("constantName"));
            String description = cell(str(h.get("description")));
            String constantNote = constant.isEmpty() ? ""
                    : (description.endsWith(".") ? "" : ".") + " Constant: `" + constant.replace('#', '.') + "`.";
            out.append("| *").append(name).append("* (").append(h.get("group")).append(") | ")
                    .append(description).append(constantNote).append(" | ")
                    .append(cell(str(h.get("defaultValue")))).append(" | ").append(type(h)).append("\n");
        });
        return out.append("|===\n\n").toString();
    }

    /** The Java type as Camel's tables show it: the simple class name. */
    private static String type(Map<String, Object> o) {
        String javaType = str(o.get("javaType"));
        return javaType.substring(javaType.lastIndexOf('.') + 1).replace("$", ".");
    }

    /** A description in a table cell: a literal '|' would end the cell. */
    private static String cell(String s) {
        return text(s).replace("|", "\\|");
    }

    /** Javadoc's {@code x} reaches the JSON as {code x}; show it as code instead of an unresolved attribute. */
    private static String text(String s) {
        Matcher m = Pattern.compile("\\{(?:code|link|literal) ([^}]*)}").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("`" + m.group(1) + "`"));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
