// A thin RAII layer over the HDF5 C API (Debian 12's 1.10.8): owned identifiers that close
// themselves, errors turned into rl::Error with HDF5's own message, and the few typed reads and
// writes the run log needs. The only code in the suite that includes hdf5.h.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <hdf5.h>

namespace rl::log::h5 {

/// An owned HDF5 identifier, closed with the function that matches its kind.
class Id {
 public:
  Id() = default;
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  Id(Id&& other) noexcept { *this = std::move(other); }
  Id& operator=(Id&& other) noexcept;
  ~Id() { reset(); }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  /// Closes now and reports whether the close succeeded (for files, where it matters).
  bool close();

 private:
  void reset();
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

/// Throws rl::Error("<what> (<path>): <HDF5's innermost message>") when status is negative.
void check_status(herr_t status, const std::string& what, const std::string& path);
/// Same for identifiers.
hid_t check_id(hid_t id, const std::string& what, const std::string& path);

/// A new file that lives only in memory; file_image() gives its bytes, which the run log writes
/// to disk in one piece (so a file on disk is always complete).
Id create_memory_file();
/// The complete bytes of an in-memory file, flushed.
std::vector<char> file_image(hid_t file);
/// An existing file, read-only. Throws naming the path when it is missing, not HDF5, or damaged.
Id open_file(const std::string& path);
/// True when the file starts with the HDF5 signature.
bool is_hdf5(const std::string& path);

Id create_group(hid_t parent, const std::string& name, const std::string& path);
Id open_group(hid_t parent, const std::string& name, const std::string& path);
bool exists(hid_t parent, const std::string& name);
/// Names of a group's members, in creation order where tracked, else alphabetical.
std::vector<std::string> members(hid_t group, const std::string& path);
bool is_group(hid_t parent, const std::string& name);

// Datasets: 1-D or 2-D, row-major, written whole. Intermediate groups of `name` are created.
void write(hid_t parent, const std::string& name, std::span<const double> data,
           std::vector<hsize_t> dims, const std::string& path);
void write(hid_t parent, const std::string& name, std::span<const float> data,
           std::vector<hsize_t> dims, const std::string& path);
void write(hid_t parent, const std::string& name, std::span<const std::int64_t> data,
           std::vector<hsize_t> dims, const std::string& path);
void write(hid_t parent, const std::string& name, std::span<const std::int32_t> data,
           std::vector<hsize_t> dims, const std::string& path);
void write(hid_t parent, const std::string& name, std::span<const std::uint64_t> data,
           std::vector<hsize_t> dims, const std::string& path);
/// 0/1 values as HDF5's bool-enum (FALSE/TRUE), which h5py reads as numpy bool.
void write_bool(hid_t parent, const std::string& name, std::span<const std::uint8_t> data,
                const std::string& path);
void write_string(hid_t parent, const std::string& name, const std::string& value,
                  const std::string& path);

/// What a dataset holds, as far as the run log cares.
enum class DataKind {
  kFloat32,
  kFloat64,
  kSignedInteger,
  kUnsignedInteger,
  kBool,
  kString,
  kOther
};
DataKind data_kind(hid_t parent, const std::string& name, const std::string& path);
/// Paths (relative to group, '/'-separated) of every dataset below group, in name order.
std::vector<std::string> dataset_paths(hid_t group, const std::string& path);
/// A float64 dataset with no dimensions (HDF5's scalar dataspace).
void write_scalar(hid_t parent, const std::string& name, double value, const std::string& path);
double read_scalar(hid_t parent, const std::string& name, const std::string& path);

/// The dataset's dimensions.
std::vector<hsize_t> shape(hid_t parent, const std::string& name, const std::string& path);
std::vector<double> read_doubles(hid_t parent, const std::string& name, const std::string& path);
std::vector<float> read_floats(hid_t parent, const std::string& name, const std::string& path);
std::vector<std::int64_t> read_int64(hid_t parent, const std::string& name,
                                     const std::string& path);
std::vector<std::uint64_t> read_uint64(hid_t parent, const std::string& name,
                                       const std::string& path);
std::vector<std::uint8_t> read_bool(hid_t parent, const std::string& name, const std::string& path);
std::string read_string(hid_t parent, const std::string& name, const std::string& path);

// Attributes on an object: scalars and strings.
void set_attribute(hid_t object, const std::string& name, double value, const std::string& path);
void set_attribute(hid_t object, const std::string& name, std::int64_t value,
                   const std::string& path);
void set_attribute(hid_t object, const std::string& name, const std::string& value,
                   const std::string& path);
/// As HDF5's bool-enum, which h5py reads as numpy.bool_.
void set_bool_attribute(hid_t object, const std::string& name, bool value, const std::string& path);
bool get_bool_attribute(hid_t object, const std::string& name, const std::string& path);
/// Kinds of attribute values the run log stores.
bool has_attribute(hid_t object, const std::string& name);
enum class AttributeKind { kInteger, kFloat, kBool, kString, kOther };
AttributeKind attribute_kind(hid_t object, const std::string& name, const std::string& path);
std::vector<std::string> attribute_names(hid_t object, const std::string& path);
double get_double_attribute(hid_t object, const std::string& name, const std::string& path);
std::int64_t get_int_attribute(hid_t object, const std::string& name, const std::string& path);
std::string get_string_attribute(hid_t object, const std::string& name, const std::string& path);

}  // namespace rl::log::h5
