// Buses, meters and register tables of the site file.
#include <algorithm>
#include <array>

#include "gateway/config_models.h"
#include "gateway/config_parse.h"

namespace ampgate::config::detail {

namespace {

constexpr std::array<int, 9> standard_bauds{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400};

RtuLink parse_rtu(Reader& r, MapReader& bus) {
  MapReader m(r, bus.value("rtu"), bus.path("rtu"), "buses[].rtu", bus.where("rtu"));
  RtuLink link;
  if (!m.ok()) return link;
  if (auto v = m.text("port", true)) link.port = *v;
  if (auto v = m.integer("baud", 300, 921600)) {
    if (std::find(standard_bauds.begin(), standard_bauds.end(), *v) == standard_bauds.end()) {
      r.report(m.where("baud"), m.path("baud"),
               std::to_string(*v) + " is not a standard baud rate; use 9600, 19200, 38400, 57600 or 115200");
    } else {
      link.baud = static_cast<int>(*v);
    }
  }
  if (auto v = m.choice<Parity>("parity", {{"N", Parity::none}, {"E", Parity::even}, {"O", Parity::odd}}))
    link.parity = *v;
  if (auto v = m.choice<int>("data_bits", {{"7", 7}, {"8", 8}})) link.data_bits = *v;
  if (auto v = m.choice<int>("stop_bits", {{"1", 1}, {"2", 2}})) link.stop_bits = *v;
  if (auto v = m.boolean("rs485")) link.rs485 = *v;
  if (auto v = m.boolean("rts")) link.rts = *v;
  if (auto v = m.number("response_timeout", 0.01, 10, "s")) link.response_timeout = *v;
  return link;
}

TcpLink parse_tcp(Reader& r, MapReader& bus) {
  MapReader m(r, bus.value("tcp"), bus.path("tcp"), "buses[].tcp", bus.where("tcp"));
  TcpLink link;
  if (!m.ok()) return link;
  if (auto v = m.text("host", true)) link.host = *v;
  if (auto v = m.integer("port", 1, 65535)) link.port = static_cast<int>(*v);
  if (auto v = m.number("timeout", 0.05, 60, "s")) link.timeout = *v;
  return link;
}

std::vector<std::string_view> meter_model_names() {
  std::vector<std::string_view> names;
  for (const auto& m : meter_models()) names.push_back(m.name);
  return names;
}

void reject(Reader& r, MapReader& m, std::string_view key, const std::string& why) {
  if (m.has(key)) r.report(m.where(key), m.path(key), why);
}

}  // namespace

std::map<std::string, modbus::RegisterSpec> parse_registers(Reader& r, const YAML::Node& node,
                                                            const std::string& path, std::string_view section,
                                                            Location fallback) {
  std::map<std::string, modbus::RegisterSpec> table;
  MapReader names(r, node, path, section, fallback);
  if (!names.ok()) return table;
  for (const auto& name : names.keys()) {
    MapReader m(r, names.value(name), names.path(name), "registers.*", names.where(name));
    modbus::RegisterSpec spec;
    table[name] = spec;  // named, even if broken: "missing register" would be a second complaint
    if (!m.ok()) continue;
    if (auto v = m.integer("address", 0, 65535, true)) spec.address = static_cast<std::uint16_t>(*v);
    if (auto v = m.choice<modbus::Function>(
            "function", {{"holding", modbus::Function::read_holding}, {"input", modbus::Function::read_input}}))
      spec.function = *v;
    using VT = modbus::ValueType;
    if (auto v = m.choice<VT>("type", {{"u16", VT::u16}, {"s16", VT::s16}, {"u32", VT::u32}, {"s32", VT::s32},
                                        {"u64", VT::u64}, {"s64", VT::s64}, {"f32", VT::f32}, {"f64", VT::f64}}))
      spec.type = *v;
    if (auto v = m.choice<modbus::WordOrder>(
            "word_order", {{"high_first", modbus::WordOrder::high_first}, {"low_first", modbus::WordOrder::low_first}}))
      spec.order = *v;
    if (auto v = m.number("scale", -1e9, 1e9, "")) {
      if (*v == 0) {
        r.report(m.where("scale"), m.path("scale"), "a scale of 0 turns every reading into 0; use e.g. 0.001 for mA");
      } else {
        spec.scale = *v;
      }
    }
    if (spec.address + spec.word_count() > 65536) {
      r.report(m.where("address"), m.path("address"), "the value runs past register 65535");
    }
    table[name] = spec;
  }
  return table;
}

void parse_buses(Reader& r, const YAML::Node& node, Location at, Parsed& p) {
  for_each_entry(r, node, "buses", at, [&](std::size_t, const YAML::Node& n, const std::string& path) {
    MapReader m(r, n, path, "buses[]", at);
    if (!m.ok()) return;
    Bus b;
    b.where = m.where();
    if (auto v = m.id("id", true)) b.id = *v;
    if (m.has("rtu") && m.has("tcp")) {
      r.report(m.where("tcp"), m.path("tcp"), "a bus is either 'rtu' or 'tcp', not both; make two buses");
    } else if (m.has("tcp")) {
      b.link = parse_tcp(r, m);
    } else if (m.has("rtu")) {
      b.link = parse_rtu(r, m);
    } else {
      r.report(m.where(), path, "missing 'rtu:' (an RS485 port) or 'tcp:' (a Modbus TCP link)");
    }
    p.site.buses.push_back(std::move(b));
    p.bus_paths.push_back(path);
  });
}

void parse_meters(Reader& r, const YAML::Node& node, Location at, Parsed& p) {
  const auto model_names = meter_model_names();
  for_each_entry(r, node, "meters", at, [&](std::size_t, const YAML::Node& n, const std::string& path) {
    MapReader m(r, n, path, "meters[]", at);
    if (!m.ok()) return;
    Meter x;
    x.where = m.where();
    if (auto v = m.id("id", true)) x.id = *v;
    const ModelInfo* model = nullptr;
    if (auto i = m.word("model", model_names, true)) {
      model = &meter_models()[*i];
      x.model = std::string(model->name);
    }
    if (auto v = m.choice<MeterRole>("role", {{"mains", MeterRole::mains}, {"circuit", MeterRole::circuit},
                                              {"ev", MeterRole::ev}, {"solar", MeterRole::solar}}, true))
      x.role = *v;
    if (auto v = m.boolean("inverted")) x.inverted = *v;
    if (model) {
      const std::string name(model->name);
      switch (model->reach) {
        case Reach::modbus: {
          if (auto v = m.id("bus", true)) x.bus = *v;
          if (auto v = m.integer("unit", 0, 255)) {
            x.unit = static_cast<std::uint8_t>(*v);
          } else if (!m.has("unit")) {
            if (model->default_unit) x.unit = static_cast<std::uint8_t>(model->default_unit);
            else m.missing("unit", "the meter's Modbus address (1–247)");
          }
          const std::string why = "a " + name + " is reached through 'bus' and 'unit'; 'port' and 'host' are for "
                                  "p1_serial, p1_tcp and homewizard_p1 meters";
          reject(r, m, "port", why);
          reject(r, m, "host", why);
          break;
        }
        case Reach::p1_serial:
          if (auto v = m.text("port", true)) x.serial_port = *v;
          reject(r, m, "bus", "a p1_serial meter has its own serial 'port', not a Modbus bus");
          reject(r, m, "unit", "a p1_serial meter has no Modbus unit id");
          reject(r, m, "host", "a p1_serial meter is local; use model p1_tcp for a network P1 bridge");
          break;
        case Reach::p1_tcp:
        case Reach::http:
          if (auto v = m.text("host", true)) x.host = *v;
          if (auto v = m.integer("port", 1, 65535, model->default_port == 0)) x.tcp_port = static_cast<int>(*v);
          else if (!m.has("port")) x.tcp_port = model->default_port;
          reject(r, m, "bus", "a " + name + " meter is reached by 'host' and 'port', not a Modbus bus");
          reject(r, m, "unit", "a " + name + " meter has no Modbus unit id");
          break;
      }
      if (model->needs_registers) {
        if (!m.has("registers")) {
          m.missing("registers", "a custom meter needs a register table (current_l1, ...)");
        } else {
          x.custom = parse_registers(r, m.value("registers"), m.path("registers"), "meters[].registers",
                                     m.where("registers"));
          // A table that is not a map was reported already; listing what it lacks adds nothing.
          const int phases = m.value("registers").IsMap() ? p.site.site.phases : 0;
          for (int ph = 1; ph <= phases; ++ph) {
            std::string key = "current_l" + std::to_string(ph);
            if (!x.custom->count(key)) {
              r.report(m.where("registers"), m.path("registers"),
                       "missing register '" + key + "': the gateway needs every phase current to protect the fuse");
            }
          }
        }
      } else {
        reject(r, m, "registers", "'registers' is only for model 'custom'; a " + name + " has a built-in table");
      }
    }
    p.site.meters.push_back(std::move(x));
    p.meter_paths.push_back(path);
  });
}

}  // namespace ampgate::config::detail
