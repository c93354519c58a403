#pragma once
// Reads the fields of one OCPP payload object against the 1.6 schema rules, keeping the
// first violation with its OCPP-J error code: a missing required field is ProtocolError
// (payload incomplete), a wrong JSON type or an over-long CiString is
// TypeConstraintViolation, a value outside its enumeration or range is
// PropertyConstraintViolation.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "gateway/ocpp/frame.h"

namespace ampgate::ocpp {

struct Violation {
  ErrorCode code = ErrorCode::GenericError;
  std::string message;  // names the field: "connectorId: -1 is below 0"
};

class Fields {
 public:
  Fields(const Json& object, std::string prefix = {});

  std::optional<std::string> string(std::string_view name, std::size_t max_length, bool required);
  std::optional<long long> integer(std::string_view name, long long min, bool required);
  std::optional<double> number(std::string_view name, double min, bool required);
  std::optional<bool> boolean(std::string_view name, bool required);
  // One word of `words`; returns its index.
  std::optional<std::size_t> word(std::string_view name, std::span<const std::string_view> words, bool required);
  // An RFC 3339 date-time as OCPP uses it ("2026-12-01T10:00:00Z"); kept as text.
  std::optional<std::string> date_time(std::string_view name, bool required);
  // A nested object or array, type-checked; nullptr when absent or wrong.
  const Json* object(std::string_view name, bool required);
  const Json* array(std::string_view name, bool required);

  // Records a violation found by the caller (cross-field rules).
  void fail(ErrorCode code, std::string message);
  void absorb(const Violation& v);  // a nested reader's violation
  bool ok() const { return !violation_; }
  const std::optional<Violation>& violation() const { return violation_; }
  std::string path(std::string_view name) const;

 private:
  const Json* find(std::string_view name, bool required);
  const Json& object_;
  std::string prefix_;
  std::optional<Violation> violation_;
};

}  // namespace ampgate::ocpp
