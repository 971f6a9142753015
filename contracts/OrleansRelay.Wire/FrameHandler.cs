namespace OrleansRelay.Wire;

/// <summary>Handles one frame inside a read loop. The payload is valid only during the call.</summary>
public delegate void FrameHandler(in Frame frame);
