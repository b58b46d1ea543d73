"""Building blocks of the Streamlit pages: sidebar settings, region editor, charts,
result view, model cache and the background analysis job."""
