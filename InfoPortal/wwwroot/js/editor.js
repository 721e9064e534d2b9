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

export async function create(toolbarElement, editorElement, html, dotnet, language, placeholder) {
  const { createEditor, createToolbar, i18nChangeLanguage } = await loadLibrary();
  i18nChangeLanguage(language === 'en-US' ? 'en' : 'zh-CN');
  let timer;
  const editor = createEditor({
    selector: editorElement,
    html: html || '<p><br></p>',
    mode: 'default',
    config: {
      placeholder,
      onChange(e) {
        clearTimeout(timer);
        timer = setTimeout(() => dotnet.invokeMethodAsync('OnEditorChanged', e.getHtml()), 500);
      },
      MENU_CONF: {}
    }
  });
  createToolbar({ editor, selector: toolbarElement, config: { toolbarKeys }, mode: 'default' });
  editorElement.editor = editor;
  return true;
}

export function getHtml(editorElement) {
  return editorElement.editor ? editorElement.editor.getHtml() : null;
}

export function dispose(editorElement) {
  if (editorElement && editorElement.editor) {
    editorElement.editor.destroy();
    editorElement.editor = null;
  }
}
