#pragma once
// The EVNET's configuration keys (seed 002, Appendix II) as a table: name, power-on value,
// whether the central system may change it, and which values it takes. Read-only marks
// follow OCPP 1.6 §9 where the seed is silent (it has no such column).
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ampgate::sim::ocpp {

enum class KeyType : unsigned char { boolean, integer, measurands, text };

struct KeyInfo {
  const char* name;
  const char* value;  // power-on value (the seed's example value)
  bool readonly;
  KeyType type;
  long min = 0, max = 0;  // integer range
};

// Measurands the model can sample (MeterValuesSampledData entries, phase suffix allowed).
bool known_measurand(const std::string& entry);

class ConfigKeys {
 public:
  ConfigKeys();
  // Scenario presets: any key of the table, read-only ones included (another firmware);
  // returns an error text for an unknown key or a bad value.
  std::string preset(const std::string& key, const std::string& value);
  // ChangeConfiguration: "Accepted", "Rejected" (read-only or bad value) or "NotSupported".
  std::string change(const std::string& key, const std::string& value);
  std::optional<std::string> get(const std::string& key) const;
  bool readonly(const std::string& key) const;
  std::vector<std::string> names() const;  // table order
  long integer(const std::string& key) const;
  bool boolean(const std::string& key) const;
  std::vector<std::string> list(const std::string& key) const;  // comma-separated value

 private:
  const KeyInfo* info(const std::string& key) const;
  bool valid(const KeyInfo& k, const std::string& value) const;
  std::map<std::string, std::string> values_;
};

}  // namespace ampgate::sim::ocpp
