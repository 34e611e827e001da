package org.tessera.spark;

import java.util.Map;

import org.tessera.config.Config;
import org.tessera.config.Json;

/** The run's settings travel to the executors as the JSON text that {@link Config#toJson} writes. */
final class SparkConfigs {
    private SparkConfigs() {}

    static Config fromJson(String json) {
        Config c = new Config();
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) Json.parse(json);
        for (Map.Entry<String, Object> e : m.entrySet()) c.put(e.getKey(), e.getValue());
        return c;
    }
}
