import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders templates with Jinjava configured as Starlake 1.5.16 configures it (JinjaUtils.jinjava:
 * unknown tokens render empty, no nested interpretation), for the differential test of slo's
 * template renderer (tests/integration/jinjava-differential.test.ts).
 *
 * <p>Input on stdin: a JSON array of {"template": text, "vars": {name: string}}. Output on stdout:
 * a JSON array, one {"text": rendered} or {"error": message} per template (an error is what makes
 * Starlake's render fail). Run with Starlake's jars on the class path.
 */
public class RenderJinja {
  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode cases = json.readTree(System.in);
    JinjavaConfig config =
        JinjavaConfig.newBuilder()
            .withFailOnUnknownTokens(false)
            .withNestedInterpretationEnabled(false)
            .build();
    Jinjava jinjava = new Jinjava(config);
    ArrayNode out = json.createArrayNode();
    for (JsonNode c : cases) {
      Map<String, Object> vars = new HashMap<>();
      c.get("vars").fields().forEachRemaining(e -> vars.put(e.getKey(), e.getValue().asText()));
      ObjectNode result = out.addObject();
      try {
        result.put("text", jinjava.render(c.get("template").asText(), vars));
      } catch (RuntimeException e) {
        result.put("error", String.valueOf(e.getMessage()));
      }
    }
    System.out.write(json.writeValueAsBytes(out));
    System.out.flush();
  }
}
