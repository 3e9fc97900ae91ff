package org.vrrpagent.agent.notify;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * An event as one JSON line: {@code {"time":"…","node":"ns1","type":"INSTANCE","name":"dns0",
 * "from":"BACKUP","to":"MASTER","priority":250,"reason":"…","vips":["198.18.0.100"]}} ({@code
 * members} added for a GROUP). A conflict alarm: {@code {"time":"…","node":"ns1",
 * "type":"CONFLICT","name":"dns0","state":"raised","peer":"198.18.0.2","differs":"VRRP version",
 * "reason":"version_mismatch","detail":"…","since":"…","adverts":1,"vips":[…]}} ({@code "state":
 * "cleared"} when it ends).
 */
final class EventJson {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private EventJson() {}

  static String of(StateEvent e, String node) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", e.time().toString());
    m.put("node", node);
    m.put("type", e.type().name());
    m.put("name", e.name());
    m.put("from", e.from());
    m.put("to", e.to().name());
    m.put("priority", e.priority());
    m.put("reason", e.reason());
    m.put("vips", e.vips());
    if (e.type() == StateEvent.Type.GROUP) {
      m.put("members", e.members());
    }
    return MAPPER.writeValueAsString(m);
  }

  /**
   * {@code
   * {"time":"…","node":"ns1","type":"ADDRESS","kind":"readded","name":"dns0","address":"198.18.0.100","reason":"…"}}.
   */
  static String of(AddressEvent e, String node) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", e.time().toString());
    m.put("node", node);
    m.put("type", "ADDRESS");
    m.put("kind", e.kind().label());
    m.put("name", e.name());
    m.put("address", e.address());
    m.put("reason", e.detail());
    return MAPPER.writeValueAsString(m);
  }

  /**
   * {@code
   * {"time":"…","node":"ns1","type":"ROTATION","outcome":"handed-over","name":"www","reason":"…"}}.
   */
  static String of(RotationEvent e, String node) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", e.time().toString());
    m.put("node", node);
    m.put("type", "ROTATION");
    m.put("outcome", e.outcome());
    m.put("name", e.name());
    m.put("reason", e.detail());
    return MAPPER.writeValueAsString(m);
  }

  static String of(Notice notice, String node) {
    return switch (notice) {
      case StateEvent e -> of(e, node);
      case ConflictEvent c -> of(c, node);
      case AddressEvent a -> of(a, node);
      case ActionEvent a -> of(a, node);
      case RotationEvent r -> of(r, node);
    };
  }

  /**
   * {@code {"time":"…","node":"ns1","type":"ACTION","name":"www","action":"dns-update",
   * "target":"198.18.0.53:53","result":"changed","master":"ns1","standby":"ns2","attempts":1,
   * "detail":"…"}}.
   */
  static String of(ActionEvent a, String node) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", a.time().toString());
    m.put("node", node);
    m.put("type", "ACTION");
    m.put("name", a.name());
    m.put("action", a.action());
    m.put("target", a.target());
    m.put("result", a.result().label());
    m.put("master", a.master());
    m.put("standby", a.standby());
    m.put("attempts", a.attempts());
    m.put("detail", a.detail());
    return MAPPER.writeValueAsString(m);
  }

  static String of(ConflictEvent c, String node) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", c.time().toString());
    m.put("node", node);
    m.put("type", "CONFLICT");
    m.put("name", c.instance());
    m.put("state", c.raised() ? "raised" : "cleared");
    m.put("peer", c.peer());
    m.put("differs", c.differs());
    m.put("reason", c.reason());
    m.put("detail", c.detail());
    m.put("since", c.since().toString());
    m.put("adverts", c.adverts());
    m.put("vips", c.vips());
    return MAPPER.writeValueAsString(m);
  }
}
