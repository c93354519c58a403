#include "gateway/ocpp/fields.h"

#include <cmath>

namespace ampgate::ocpp {

Fields::Fields(const Json& object, std::string prefix) : object_(object), prefix_(std::move(prefix)) {
  if (!object_.is_object()) fail(ErrorCode::TypeConstraintViolation, (prefix_.empty() ? "payload" : prefix_) + ": expected an object");
}

std::string Fields::path(std::string_view name) const {
  return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name);
}

void Fields::fail(ErrorCode code, std::string message) {
  if (!violation_) violation_ = Violation{code, std::move(message)};
}

void Fields::absorb(const Violation& v) { fail(v.code, v.message); }

const Json* Fields::find(std::string_view name, bool required) {
  if (!object_.is_object()) return nullptr;
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (required) fail(ErrorCode::ProtocolError, path(name) + ": required");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> Fields::string(std::string_view name, std::size_t max_length, bool required) {
  const Json* v = find(name, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    fail(ErrorCode::TypeConstraintViolation, path(name) + ": expected a string");
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_length) {
    fail(ErrorCode::TypeConstraintViolation, path(name) + ": longer than " + std::to_string(max_length) + " characters");
    return std::nullopt;
  }
  return s;
}

std::optional<long long> Fields::integer(std::string_view name, long long min, bool required) {
  const Json* v = find(name, required);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    fail(ErrorCode::TypeConstraintViolation, path(name) + ": expected an integer");
    return std::nullopt;
  }
  if (v->is_number_unsigned() && v->get<unsigned long long>() > 0x7fffffffULL) {
    fail(ErrorCode::PropertyConstraintViolation, path(name) + ": out of range");
    return std::nullopt;
  }
  const long long x = v->get<long long>();
  if (x < min || x > 0x7fffffffLL) {
    fail(ErrorCode::PropertyConstraintViolation, path(name) + ": " + std::to_string(x) + " is outside " +
                                                     std::to_string(min) + "–2147483647");
    return std::nullopt;
  }
  return x;
}

std::optional<double> Fields::number(std::string_view name, double min, bool required) {
  const Json* v = find(name, required);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    fail(ErrorCode::TypeConstraintViolation, path(name) + ": expected a number");
    return std::nullopt;
  }
  const double x = v->get<double>();
  if (!std::isfinite(x) || x < min) {
    fail(ErrorCode::PropertyConstraintViolation, path(name) + ": " + v->dump() + " is below " + Json(min).dump());
    return std::nullopt;
  }
  return x;
}

std::optional<bool> Fields::boolean(std::string_view name, bool required) {
  const Json* v = find(name, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    fail(ErrorCode::TypeConstraintViolation, path(name) + ": expected true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::size_t> Fields::word(std::string_view name, std::span<const std::string_view> words, bool required) {
  auto s = string(name, 64, required);
  if (!s) return std::nullopt;
  for (std::size_t i = 0; i < words.size(); ++i)
    if (*s == words[i]) return i;
  fail(ErrorCode::PropertyConstraintViolation, path(name) + ": '" + *s + "' is not an allowed value");
  return std::nullopt;
}

std::optional<std::string> Fields::date_time(std::string_view name, bool required) {
  auto s = string(name, 64, required);
  if (!s) return std::nullopt;
  // The shape only: YYYY-MM-DDTHH:MM:SS, then optional fraction and zone.
  auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
      if (i >= s->size() || (*s)[i] < '0' || (*s)[i] > '9') return false;
    return true;
  };
  const bool shaped = s->size() >= 19 && digits(0, 4) && (*s)[4] == '-' && digits(5, 2) && (*s)[7] == '-' &&
                      digits(8, 2) && ((*s)[10] == 'T' || (*s)[10] == 't') && digits(11, 2) && (*s)[13] == ':' &&
                      digits(14, 2) && (*s)[16] == ':' && digits(17, 2);
  if (!shaped) {
    fail(ErrorCode::TypeConstraintViolation, path(name) + ": '" + *s + "' is not a date-time");
    return std::nullopt;
  }
  return s;
}

const Json* Fields::object(std::string_view name, bool required) {
  const Json* v = find(name, required);
  if (v && !v->is_object()) {
    fail(ErrorCode::TypeConstraintViolation, path(name) + ": expected an object");
    return nullptr;
  }
  return v;
}

const Json* Fields::array(std::string_view name, bool required) {
  const Json* v = find(name, required);
  if (v && !v->is_array()) {
    fail(ErrorCode::TypeConstraintViolation, path(name) + ": expected a list");
    return nullptr;
  }
  return v;
}

}  // namespace ampgate::ocpp
