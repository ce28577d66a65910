// Keyboard shortcuts and selection for the studio's script editor (Ctrl+S, Ctrl+Enter, Ctrl+Shift+Enter).
export function attach(element, dotnet) {
    element.addEventListener('keydown', e => {
        if (!(e.ctrlKey || e.metaKey)) {
            return;
        }
        if (e.key === 's' || e.key === 'S') {
            e.preventDefault();
            dotnet.invokeMethodAsync('OnSaveKey', element.value);
        } else if (e.key === 'Enter') {
            e.preventDefault();
            dotnet.invokeMethodAsync(e.shiftKey ? 'OnRunAllKey' : 'OnRunKey', element.value, element.selectionStart, element.selectionEnd);
        }
    });
}

export function selection(element) {
    return [element.selectionStart, element.selectionEnd];
}

export function reveal(element, offset) {
    element.focus();
    element.setSelectionRange(offset, offset);
    const line = element.value.substring(0, offset).split('\n').length;
    element.scrollTop = Math.max(0, (line - 3) * 20);
}
