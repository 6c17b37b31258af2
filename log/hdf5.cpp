#include "log/hdf5.hpp"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "core/error.hpp"

namespace rl::log::h5 {

namespace {

/// HDF5 prints its error stack to stderr by default; we report one line ourselves instead.
void silence_hdf5() {
  static const bool silenced = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
}

/// The innermost (most specific) description on HDF5's error stack.
std::string hdf5_message() {
  std::string description;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned, const H5E_error2_t* error, void* out) -> herr_t {
        auto* text = static_cast<std::string*>(out);
        if (text->empty() && error->desc != nullptr) {
          *text = error->desc;
        }
        return 0;
      },
      &description);
  H5Eclear2(H5E_DEFAULT);
  return description.empty() ? "unknown HDF5 error" : description;
}

Id owned_type(hid_t type) {
  return Id(type, H5Tclose);
}

Id string_type() {
  Id type = owned_type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

Id bool_type() {
  Id type = owned_type(H5Tenum_create(H5T_NATIVE_INT8));
  const std::int8_t no = 0;
  const std::int8_t yes = 1;
  H5Tenum_insert(type.get(), "FALSE", &no);
  H5Tenum_insert(type.get(), "TRUE", &yes);
  return type;
}

Id group_creation_properties() {
  Id properties(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
  H5Pset_link_creation_order(properties.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  H5Pset_attr_creation_order(properties.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  return properties;
}

Id intermediate_link_properties() {
  Id properties(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(properties.get(), 1);
  return properties;
}

void write_dataset(hid_t parent, const std::string& name, hid_t file_type, hid_t memory_type,
                   const void* data, const std::vector<hsize_t>& dims, const std::string& path) {
  silence_hdf5();
  Id space(check_id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                    "cannot describe dataset " + name, path),
           H5Sclose);
  Id links = intermediate_link_properties();
  Id dataset(check_id(H5Dcreate2(parent, name.c_str(), file_type, space.get(), links.get(),
                                 H5P_DEFAULT, H5P_DEFAULT),
                      "cannot create dataset " + name, path),
             H5Dclose);
  hsize_t count = 1;
  for (hsize_t d : dims) {
    count *= d;
  }
  if (count > 0) {
    check_status(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                 "cannot write dataset " + name, path);
  }
}

template <class T>
std::vector<T> read_dataset(hid_t parent, const std::string& name, hid_t memory_type,
                            const std::string& path) {
  silence_hdf5();
  Id dataset(check_id(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "missing dataset " + name, path),
             H5Dclose);
  Id space(check_id(H5Dget_space(dataset.get()), "cannot read dataset " + name, path), H5Sclose);
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  check(count >= 0, "cannot read dataset ", name, " (", path, ")");
  std::vector<T> out(static_cast<size_t>(count));
  if (count > 0) {
    check_status(H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
                 "cannot read dataset " + name, path);
  }
  return out;
}

void write_attribute(hid_t object, const std::string& name, hid_t type, const void* value,
                     const std::string& path) {
  silence_hdf5();
  if (H5Aexists(object, name.c_str()) > 0) {
    check_status(H5Adelete(object, name.c_str()), "cannot replace attribute " + name, path);
  }
  Id space(H5Screate(H5S_SCALAR), H5Sclose);
  Id attribute(
      check_id(H5Acreate2(object, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
               "cannot create attribute " + name, path),
      H5Aclose);
  check_status(H5Awrite(attribute.get(), type, value), "cannot write attribute " + name, path);
}

Id open_attribute(hid_t object, const std::string& name, const std::string& path) {
  silence_hdf5();
  return Id(check_id(H5Aopen(object, name.c_str(), H5P_DEFAULT), "missing attribute " + name, path),
            H5Aclose);
}

}  // namespace

Id& Id::operator=(Id&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    close_ = other.close_;
    other.id_ = -1;
    other.close_ = nullptr;
  }
  return *this;
}

bool Id::close() {
  if (id_ < 0) {
    return true;
  }
  const herr_t status = close_(id_);
  id_ = -1;
  return status >= 0;
}

void Id::reset() {
  if (id_ >= 0 && close_ != nullptr) {
    close_(id_);
  }
  id_ = -1;
}

void check_status(herr_t status, const std::string& what, const std::string& path) {
  if (status < 0) {
    throw Error(message(what, " (", path, "): ", hdf5_message()));
  }
}

hid_t check_id(hid_t id, const std::string& what, const std::string& path) {
  if (id < 0) {
    throw Error(message(what, " (", path, "): ", hdf5_message()));
  }
  return id;
}

Id create_memory_file() {
  silence_hdf5();
  // Names only identify in-memory files to HDF5; they must differ while files are open.
  static std::atomic<int> counter{0};
  const std::string name = message("rlsuite-memory-", counter.fetch_add(1), ".h5");
  Id access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  check_status(H5Pset_fapl_core(access.get(), 1 << 20, 0), "cannot set up an in-memory file", name);
  Id creation(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
  H5Pset_link_creation_order(creation.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  H5Pset_attr_creation_order(creation.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  return Id(check_id(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, creation.get(), access.get()),
                     "cannot create an in-memory file", name),
            H5Fclose);
}

std::vector<char> file_image(hid_t file) {
  check_status(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot flush the in-memory file", "memory");
  const ssize_t size = H5Fget_file_image(file, nullptr, 0);
  check(size >= 0, "cannot size the in-memory file: ", hdf5_message());
  std::vector<char> image(static_cast<size_t>(size));
  check_status(H5Fget_file_image(file, image.data(), image.size()) == size,
               "cannot copy the in-memory file: ", hdf5_message());
  return image;
}

Id open_file(const std::string& path) {
  silence_hdf5();
  {
    std::ifstream probe(path, std::ios::binary);
    check(probe.good(), path, " cannot be opened: ", std::strerror(errno),
          "; pass the path of a run log written by rl train");
  }
  check(is_hdf5(path), path,
        " is not an HDF5 file; pass the path of a run log written by rl train");
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    throw Error(message(path, " is damaged or truncated (", hdf5_message(),
                        "); use another copy of the run log"));
  }
  return Id(file, H5Fclose);
}

bool is_hdf5(const std::string& path) {
  // The signature sits at offset 0, 512, 1024, ... (a user block may precede it).
  static constexpr char kSignature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  std::ifstream in(path, std::ios::binary);
  for (std::streamoff offset = 0; in && offset <= (1 << 20);
       offset = offset == 0 ? 512 : offset * 2) {
    char head[8] = {};
    in.seekg(offset);
    if (!in.read(head, sizeof head)) {
      return false;
    }
    if (std::memcmp(head, kSignature, sizeof head) == 0) {
      return true;
    }
  }
  return false;
}

Id create_group(hid_t parent, const std::string& name, const std::string& path) {
  silence_hdf5();
  Id links = intermediate_link_properties();
  Id creation = group_creation_properties();
  return Id(check_id(H5Gcreate2(parent, name.c_str(), links.get(), creation.get(), H5P_DEFAULT),
                     "cannot create group " + name, path),
            H5Gclose);
}

Id open_group(hid_t parent, const std::string& name, const std::string& path) {
  silence_hdf5();
  return Id(check_id(H5Gopen2(parent, name.c_str(), H5P_DEFAULT),
                     "the run log has no group " + name, path),
            H5Gclose);
}

bool exists(hid_t parent, const std::string& name) {
  silence_hdf5();
  // H5Lexists fails on a missing intermediate group, so walk the path one link at a time.
  size_t start = name.front() == '/' ? 1 : 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    if (slash == std::string::npos) {
      slash = name.size();
    }
    const std::string prefix = name.substr(0, slash);
    if (H5Lexists(parent, prefix.c_str(), H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    start = slash + 1;
  }
  return true;
}

std::vector<std::string> members(hid_t group, const std::string& path) {
  silence_hdf5();
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  hsize_t index = 0;
  if (H5Literate(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, &index, collect, &names) < 0) {
    H5Eclear2(H5E_DEFAULT);
    names.clear();
    index = 0;
    check_status(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &index, collect, &names),
                 "cannot list a group", path);
  }
  return names;
}

bool is_group(hid_t parent, const std::string& name) {
  silence_hdf5();
  H5O_info_t info;
  if (H5Oget_info_by_name2(parent, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  return info.type == H5O_TYPE_GROUP;
}

void write(hid_t parent, const std::string& name, std::span<const double> data,
           std::vector<hsize_t> dims, const std::string& path) {
  write_dataset(parent, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data.data(), dims, path);
}

void write(hid_t parent, const std::string& name, std::span<const float> data,
           std::vector<hsize_t> dims, const std::string& path) {
  write_dataset(parent, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, data.data(), dims, path);
}

void write(hid_t parent, const std::string& name, std::span<const std::int64_t> data,
           std::vector<hsize_t> dims, const std::string& path) {
  write_dataset(parent, name, H5T_STD_I64LE, H5T_NATIVE_INT64, data.data(), dims, path);
}

void write(hid_t parent, const std::string& name, std::span<const std::int32_t> data,
           std::vector<hsize_t> dims, const std::string& path) {
  write_dataset(parent, name, H5T_STD_I32LE, H5T_NATIVE_INT32, data.data(), dims, path);
}

void write(hid_t parent, const std::string& name, std::span<const std::uint64_t> data,
           std::vector<hsize_t> dims, const std::string& path) {
  write_dataset(parent, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, data.data(), dims, path);
}

void write_bool(hid_t parent, const std::string& name, std::span<const std::uint8_t> data,
                const std::string& path) {
  Id type = bool_type();
  write_dataset(parent, name, type.get(), type.get(), data.data(), {data.size()}, path);
}

void write_string(hid_t parent, const std::string& name, const std::string& value,
                  const std::string& path) {
  silence_hdf5();
  Id type = string_type();
  Id space(H5Screate(H5S_SCALAR), H5Sclose);
  Id links = intermediate_link_properties();
  Id dataset(check_id(H5Dcreate2(parent, name.c_str(), type.get(), space.get(), links.get(),
                                 H5P_DEFAULT, H5P_DEFAULT),
                      "cannot create dataset " + name, path),
             H5Dclose);
  const char* text = value.c_str();
  check_status(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text),
               "cannot write dataset " + name, path);
}

DataKind data_kind(hid_t parent, const std::string& name, const std::string& path) {
  silence_hdf5();
  Id dataset(check_id(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "missing dataset " + name, path),
             H5Dclose);
  Id type(check_id(H5Dget_type(dataset.get()), "cannot read the type of " + name, path), H5Tclose);
  switch (H5Tget_class(type.get())) {
    case H5T_FLOAT: return H5Tget_size(type.get()) == 4 ? DataKind::kFloat32 : DataKind::kFloat64;
    case H5T_INTEGER:
      return H5Tget_sign(type.get()) == H5T_SGN_NONE ? DataKind::kUnsignedInteger
                                                     : DataKind::kSignedInteger;
    case H5T_ENUM: return DataKind::kBool;
    case H5T_STRING: return DataKind::kString;
    default: return DataKind::kOther;
  }
}

std::vector<std::string> dataset_paths(hid_t group, const std::string& path) {
  silence_hdf5();
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5O_info_t* info, void* out) -> herr_t {
    if (info->type == H5O_TYPE_DATASET) {
      static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    }
    return 0;
  };
  check_status(H5Ovisit2(group, H5_INDEX_NAME, H5_ITER_INC, collect, &names, H5O_INFO_BASIC),
               "cannot list datasets", path);
  return names;
}

void write_scalar(hid_t parent, const std::string& name, double value, const std::string& path) {
  silence_hdf5();
  Id space(H5Screate(H5S_SCALAR), H5Sclose);
  Id links = intermediate_link_properties();
  Id dataset(check_id(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), links.get(),
                                 H5P_DEFAULT, H5P_DEFAULT),
                      "cannot create dataset " + name, path),
             H5Dclose);
  check_status(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value),
               "cannot write dataset " + name, path);
}

double read_scalar(hid_t parent, const std::string& name, const std::string& path) {
  const std::vector<double> values = read_doubles(parent, name, path);
  check(values.size() == 1, "dataset ", name, " in ", path, " is not a single number");
  return values[0];
}

std::vector<hsize_t> shape(hid_t parent, const std::string& name, const std::string& path) {
  silence_hdf5();
  Id dataset(check_id(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "missing dataset " + name, path),
             H5Dclose);
  Id space(check_id(H5Dget_space(dataset.get()), "cannot read dataset " + name, path), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  check(rank >= 0, "cannot read the shape of dataset ", name, " (", path, ")");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

std::vector<double> read_doubles(hid_t parent, const std::string& name, const std::string& path) {
  return read_dataset<double>(parent, name, H5T_NATIVE_DOUBLE, path);
}

std::vector<float> read_floats(hid_t parent, const std::string& name, const std::string& path) {
  return read_dataset<float>(parent, name, H5T_NATIVE_FLOAT, path);
}

std::vector<std::int64_t> read_int64(hid_t parent, const std::string& name,
                                     const std::string& path) {
  return read_dataset<std::int64_t>(parent, name, H5T_NATIVE_INT64, path);
}

std::vector<std::uint64_t> read_uint64(hid_t parent, const std::string& name,
                                       const std::string& path) {
  return read_dataset<std::uint64_t>(parent, name, H5T_NATIVE_UINT64, path);
}

std::vector<std::uint8_t> read_bool(hid_t parent, const std::string& name,
                                    const std::string& path) {
  Id type = bool_type();
  return read_dataset<std::uint8_t>(parent, name, type.get(), path);
}

std::string read_string(hid_t parent, const std::string& name, const std::string& path) {
  silence_hdf5();
  Id dataset(check_id(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "missing dataset " + name, path),
             H5Dclose);
  Id type = string_type();
  char* text = nullptr;
  check_status(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text),
               "cannot read dataset " + name, path);
  std::string value = text != nullptr ? text : "";
  H5free_memory(text);
  return value;
}

void set_attribute(hid_t object, const std::string& name, double value, const std::string& path) {
  write_attribute(object, name, H5T_NATIVE_DOUBLE, &value, path);
}

void set_attribute(hid_t object, const std::string& name, std::int64_t value,
                   const std::string& path) {
  write_attribute(object, name, H5T_NATIVE_INT64, &value, path);
}

void set_attribute(hid_t object, const std::string& name, const std::string& value,
                   const std::string& path) {
  Id type = string_type();
  const char* text = value.c_str();
  write_attribute(object, name, type.get(), &text, path);
}

void set_bool_attribute(hid_t object, const std::string& name, bool value,
                        const std::string& path) {
  Id type = bool_type();
  const std::int8_t stored = value ? 1 : 0;
  write_attribute(object, name, type.get(), &stored, path);
}

bool get_bool_attribute(hid_t object, const std::string& name, const std::string& path) {
  Id attribute = open_attribute(object, name, path);
  Id type = bool_type();
  std::int8_t value = 0;
  check_status(H5Aread(attribute.get(), type.get(), &value), "cannot read attribute " + name, path);
  return value != 0;
}

bool has_attribute(hid_t object, const std::string& name) {
  silence_hdf5();
  const htri_t found = H5Aexists(object, name.c_str());
  if (found < 0) {
    H5Eclear2(H5E_DEFAULT);
  }
  return found > 0;
}

AttributeKind attribute_kind(hid_t object, const std::string& name, const std::string& path) {
  Id attribute = open_attribute(object, name, path);
  Id type(H5Aget_type(attribute.get()), H5Tclose);
  switch (H5Tget_class(type.get())) {
    case H5T_INTEGER: return AttributeKind::kInteger;
    case H5T_FLOAT: return AttributeKind::kFloat;
    case H5T_STRING: return AttributeKind::kString;
    case H5T_ENUM: return AttributeKind::kBool;
    default: return AttributeKind::kOther;
  }
}

std::vector<std::string> attribute_names(hid_t object, const std::string& path) {
  silence_hdf5();
  std::vector<std::string> names;
  hsize_t index = 0;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  if (H5Aiterate2(object, H5_INDEX_CRT_ORDER, H5_ITER_INC, &index, collect, &names) < 0) {
    H5Eclear2(H5E_DEFAULT);
    names.clear();
    index = 0;
    check_status(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, collect, &names),
                 "cannot list attributes", path);
  }
  return names;
}

double get_double_attribute(hid_t object, const std::string& name, const std::string& path) {
  Id attribute = open_attribute(object, name, path);
  double value = 0;
  check_status(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value), "cannot read attribute " + name,
               path);
  return value;
}

std::int64_t get_int_attribute(hid_t object, const std::string& name, const std::string& path) {
  Id attribute = open_attribute(object, name, path);
  std::int64_t value = 0;
  check_status(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), "cannot read attribute " + name,
               path);
  return value;
}

std::string get_string_attribute(hid_t object, const std::string& name, const std::string& path) {
  Id attribute = open_attribute(object, name, path);
  Id type = string_type();
  char* text = nullptr;
  check_status(H5Aread(attribute.get(), type.get(), &text), "cannot read attribute " + name, path);
  std::string value = text != nullptr ? text : "";
  H5free_memory(text);
  return value;
}

}  // namespace rl::log::h5
