package io.bpf4j.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses the tools' JSON lines with jackson-core's streaming parser (objects of scalars and string arrays). */
final class JsonLines {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonLines() {
    }

    /** One flat object: numbers as Long, booleans as Boolean, strings, arrays of strings as List; keys in order. */
    static Map<String, Object> parse(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object: " + line);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_ARRAY) {
                    List<String> items = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        items.add(p.getText());
                    }
                    out.put(key, items);
                } else if (t == JsonToken.VALUE_NUMBER_INT) {
                    out.put(key, p.getLongValue());
                } else if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                    out.put(key, t == JsonToken.VALUE_TRUE);
                } else {
                    out.put(key, p.getText());
                }
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("more than one value on the line: " + line);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("bad JSON line: " + line, e);
        }
    }
}
