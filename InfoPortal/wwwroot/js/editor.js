// Rich-text editor (wangEditor 5) for the request form. Loaded as an ES module by
// Components/Shared/RichTextEditor.razor; the editor library itself is a UMD script from /lib.
// No inline script and no eval: the Content-Security-Policy allows only 'self'.

let loading;

function loadLibrary() {
  if (window.wangEditor) return Promise.resolve(window.wangEditor);
  loading ??= new Promise((resolve, reject) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/lib/wangeditor/style.css';
    document.head.appendChild(css);
    const script = document.createElement('script');
    script.src = '/lib/wangeditor/index.js';
    script.onload = () => resolve(window.wangEditor);
    script.onerror = () => reject(new Error('wangEditor failed to load'));
    document.head.appendChild(script);
  });
  return loading;
}

// Images and videos are attachments with captions (图片必须加带文字注释), not inline uploads.
const toolbarKeys = [
  'headerSelect', 'bold', 'italic', 'underline', 'through', '|',
  'bulletedList', 'numberedList', 'justifyLeft', 'justifyCenter', '|',
  'insertLink', 'insertTable', 'blockquote', '|', 'undo', 'redo'
];

// wangEditor's toolbar buttons are icons with a tooltip, and its editable area says role="textarea"
// (not an ARIA role): give assistive technology names and a valid role.
function labelButtons(toolbarElement) {
  // Only icon buttons: a button with visible text (the heading select) is named by its text.
  toolbarElement.querySelectorAll('button[data-tooltip]:not([aria-label])').forEach(b => {
    if (b.textContent.trim()) return;
    b.setAttribute('aria-label', b.getAttribute('data-tooltip').split('\n')[0].trim());
  });
}

function makeAccessible(toolbarElement, editorElement, labelId) {
  // The toolbar renders (and re-renders) its buttons later: label them whenever they appear.
  labelButtons(toolbarElement);
  new MutationObserver(() => labelButtons(toolbarElement)).observe(toolbarElement, { childList: true, subtree: true });
  const editable = editorElement.querySelector('[contenteditable=true]');
  if (editable) {
    editable.setAttribute('role', 'textbox');
    editable.setAttribute('aria-multiline', 'true');
    editable.setAttribute('aria-labelledby', labelId);
  }
}

export async function create(toolbarElement, editorElement, html, dotnet, language, placeholder, labelId) {
  const { createEditor, createToolbar, i18nChangeLanguage } = await loadLibrary();
  // The component may have been disposed (the user navigated away) while the library loaded.
  if (editorElement.disposed) return false;
  i18nChangeLanguage(language === 'en-US' ? 'en' : 'zh-CN');
  const editor = createEditor({
    selector: editorElement,
    html: html || '<p><br></p>',
    mode: 'default',
    config: {
      placeholder,
      onChange(e) {
        clearTimeout(editorElement.changeTimer);
        // The debounced call must not reach a component that was disposed meanwhile: its .NET
        // reference is gone then ("There is no tracked object with id …").
        editorElement.changeTimer = setTimeout(() => {
          if (editorElement.disposed) return;
          dotnet.invokeMethodAsync('OnEditorChanged', e.getHtml()).catch(() => {});
        }, 500);
      },
      MENU_CONF: {}
    }
  });
  createToolbar({ editor, selector: toolbarElement, config: { toolbarKeys }, mode: 'default' });
  makeAccessible(toolbarElement, editorElement, labelId);
  editorElement.editor = editor;
  return true;
}

export function getHtml(editorElement) {
  return editorElement.editor ? editorElement.editor.getHtml() : null;
}

export function dispose(editorElement) {
  if (!editorElement) return;
  editorElement.disposed = true;
  clearTimeout(editorElement.changeTimer);
  if (editorElement.editor) {
    editorElement.editor.destroy();
    editorElement.editor = null;
  }
}
