package io.fanlab.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The published JSON Schema ({@code scenarios/scenario.schema.json}) and the loader allow the same keys: for every
 * mapping of the format, the schema definition's property names equal the binder's allowed-key set, and the schema
 * has no object definition the binder does not know. A JSON Schema validator (draft 2020-12) accepts every library
 * scenario and rejects the invalid files whose mistake a schema can express (the others need the loader's
 * cross-field rules).
 */
class SchemaAgreementTest {
    static JsonNode schema() throws IOException {
        return new ObjectMapper().readTree(ScenarioFiles.dir().resolve("scenario.schema.json").toFile());
    }

    @Test
    void isDraft2020_12AndRootIsTheScenario() throws IOException {
        JsonNode s = schema();
        assertThat(s.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(s.get("$ref").asText()).isEqualTo("#/$defs/scenario");
    }

    @Test
    void everyMappingAllowsTheSameKeysAsTheBinder() throws IOException {
        JsonNode defs = schema().get("$defs");
        Set<String> withProperties = new TreeSet<>();
        defs.fieldNames().forEachRemaining(n -> { if (defs.get(n).has("properties")) withProperties.add(n); });
        assertThat(withProperties).isEqualTo(new TreeSet<>(FormatKeys.BY_DEFINITION.keySet()));
        for (Map.Entry<String, ? extends Set<String>> e : FormatKeys.BY_DEFINITION.entrySet()) {
            Set<String> props = new LinkedHashSet<>();
            defs.get(e.getKey()).get("properties").fieldNames().forEachRemaining(props::add);
            assertThat(props).as("$defs." + e.getKey()).containsExactlyElementsOf(e.getValue());
            assertThat(defs.get(e.getKey()).get("additionalProperties").asBoolean(true)).as("$defs." + e.getKey() + " closed").isFalse();
        }
    }

    @Test
    void variantNamesAgree() throws IOException {
        JsonNode defs = schema().get("$defs");
        assertThat(singleKeys(defs.get("dist").get("oneOf"))).containsExactlyElementsOf(FormatKeys.DISTRIBUTIONS);
        assertThat(singleKeys(defs.get("work").get("oneOf"))).containsExactlyElementsOf(FormatKeys.WORK);
        assertThat(singleKeys(defs.get("fault").get("oneOf"))).containsExactlyElementsOf(FormatKeys.FAULTS);
        List<String> slos = new ArrayList<>();
        defs.get("slo").get("oneOf").get(0).get("enum").forEach(n -> slos.add(n.asText()));
        slos.addAll(singleKeys(defs.get("slo").get("oneOf")));
        assertThat(slos).containsExactlyElementsOf(FormatKeys.SLOS);
        List<String> arrivals = new ArrayList<>();
        defs.get("open").get("properties").get("arrival").get("enum").forEach(n -> arrivals.add(n.asText()));
        assertThat(arrivals).containsExactlyElementsOf(FormatKeys.OPEN_BY_ARRIVAL.keySet());
        for (var e : FormatKeys.OPEN_BY_ARRIVAL.entrySet()) assertThat(FormatKeys.of("open")).containsAll(e.getValue());
    }

    static final Set<String> SCHEMA_CATCHES = Set.of("bad-capture", "bad-size", "bare-duration", "constructor-rules", "many-problems", "missing-required",
            "neg-rate", "negative-factors", "negative-values", "unknown-enum", "unknown-key", "width-zero", "wrong-type", "empty", "graph-errors",
            "graph-name");

    static Schema validator() throws IOException {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(ScenarioFiles.dir().resolve("scenario.schema.json")));
    }

    static JsonNode yamlAsJson(Path file) throws IOException {
        Object doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        return new ObjectMapper().valueToTree(doc);
    }

    static java.util.stream.Stream<Path> library() throws IOException { return ScenarioFiles.yamlIn(ScenarioFiles.dir()).stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("library")
    void schemaAcceptsEveryLibraryScenario(Path file) throws IOException {
        assertThat(validator().validate(yamlAsJson(file))).isEmpty();
    }

    @Test
    void schemaRejectsTheMistakesItCanExpress() throws IOException {
        Schema schema = validator();
        for (String name : SCHEMA_CATCHES) {
            Path file = ScenarioFiles.dir().resolve("invalid").resolve(name + ".yaml");
            assertThat(schema.validate(yamlAsJson(file))).as(name).isNotEmpty();
        }
    }

    private static List<String> singleKeys(JsonNode oneOf) {
        List<String> out = new ArrayList<>();
        for (JsonNode alt : oneOf) if (alt.has("properties")) out.add(alt.get("properties").fieldNames().next());
        return out;
    }
}
