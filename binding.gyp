{
  "targets": [
    {
      "target_name": "lxcfs_node",
      "sources": [
        "native/addon.cc",
        "native/device.cc",
        "native/device-reader.cc",
        "native/fast-path.cc",
        "native/fdpass.cc",
        "native/journal.cc",
        "native/ns.cc",
        "native/open-table.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"
      ],
      "cflags": [
        "-Wall",
        "-Wextra",
        "-O2"
      ],
      "cflags_cc": [
        "-Wall",
        "-Wextra",
        "-O2"
      ]
    },
    {
      "target_name": "lxcfs_node_loadgen",
      "type": "executable",
      "sources": [
        "bench/loadgen.c"
      ],
      "cflags": [
        "-Wall",
        "-Wextra",
        "-O2"
      ]
    }
  ]
}
