# ampgate_embed_text(OUT NAME FILE [NAME FILE ...]): writes OUT, a .cpp defining
# `extern const char NAME[]` in namespace ampgate::embedded with each FILE's text, so the
# binary carries them (the demo's built-in site). Re-run when a file changes.
function(ampgate_embed_text out)
  set(body "// Generated from the files named below; do not edit.\nnamespace ampgate::embedded {\n")
  set(args ${ARGN})
  while(args)
    list(POP_FRONT args name file)
    file(READ ${file} text)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
    string(APPEND body "// ${file}\nextern const char ${name}[] = R\"ampgate_embedded(${text})ampgate_embedded\";\n")
  endwhile()
  string(APPEND body "}  // namespace ampgate::embedded\n")
  file(WRITE ${out}.tmp "${body}")
  file(COPY_FILE ${out}.tmp ${out} ONLY_IF_DIFFERENT)
endfunction()
