-- Drives relink lsp from Neovim 0.7 (headless): opens a note of the vault,
-- waits for relink's diagnostics, applies the canonical-name code action
-- of the [[disaster-recovery]] link, and writes the buffer's bytes (or
-- what went wrong) to $RELINK_OUT.
local vault = os.getenv("RELINK_VAULT")
local out = os.getenv("RELINK_OUT")

local function finish(text)
  local f = assert(io.open(out, "wb"))
  f:write(text)
  f:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(vault .. "/Home.md"))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = "relink",
    cmd = { os.getenv("RELINK_BIN"), "lsp" },
    root_dir = vault,
  })
  vim.lsp.buf_attach_client(buf, id)
  local target
  vim.wait(30000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == "variant" and d.source == "relink" and d.message:find("[[disaster-recovery]]", 1, true) then
        target = d
        return true
      end
    end
    return false
  end, 20)
  if not target then
    finish("ERROR: no variant diagnostic from relink; got " .. vim.inspect(vim.diagnostic.get(buf)))
    return
  end
  local client = vim.lsp.get_client_by_id(id)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = {
      start = { line = target.lnum, character = target.col },
      ["end"] = { line = target.end_lnum, character = target.end_col },
    },
    context = { diagnostics = {}, only = { "quickfix" } },
  }
  local resp = client.request_sync("textDocument/codeAction", params, 30000, buf)
  if not resp or resp.err then
    finish("ERROR: codeAction: " .. vim.inspect(resp))
    return
  end
  local applied = false
  for _, action in ipairs(resp.result or {}) do
    if action.isPreferred and action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
      applied = true
      break
    end
  end
  if not applied then
    finish("ERROR: no preferred code action in " .. vim.inspect(resp.result))
    return
  end
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  finish(table.concat(lines, "\n") .. "\n")
end)
if not ok then
  finish("ERROR: " .. tostring(err))
end
